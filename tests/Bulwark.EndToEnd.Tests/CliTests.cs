using System.Text.RegularExpressions;
using Bulwark.EndToEnd.Tests.Infrastructure;

namespace Bulwark.EndToEnd.Tests;

/// <summary>The admin verbs of the real binary (<c>dotnet Bulwark.dll ...</c>) against the live server's data directory.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class CliTests(EndToEndFixture e2e)
{
    [Fact]
    public async Task User_add_and_token_create_print_a_token_that_twine_can_upload_with()
    {
        var add = await e2e.Cli.RunAsync(["user", "add", "cli-publisher", "--email", "cli-publisher@example.com"]);
        Check.Succeeded(add, e2e, 0, "bulwark user add");

        var create = await e2e.Cli.RunAsync(["token", "create", "cli-publisher", "--project", "bwcli", "--expires", "30d"]);
        Check.Succeeded(create, e2e, 0, "bulwark token create");
        var token = SingleLine(create);

        var built = await e2e.Packages.BuildAsync(new PythonProject("bwcli", "1.0", BuildBackend.Hatchling));
        var mark = e2e.Server.Requests.Mark();
        var upload = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, built.Files);
        Check.Succeeded(upload, e2e, mark, "twine upload with the token from 'token create'");
        Assert.Equal(2, (await e2e.Index.ReleaseFilesAsync("bwcli", "1.0")).Count);

        // The token is scoped to bwcli: another project is refused.
        var other = await e2e.Packages.BuildAsync(new PythonProject("bwclioutside", "1.0", BuildBackend.Hatchling));
        mark = e2e.Server.Requests.Mark();
        var refused = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, other.Files);
        Check.Failed(refused, e2e, mark, "an upload outside the token's project scope");
        Check.OutputContains(refused, "403", e2e, mark);
        Check.OutputContains(refused, "not valid for project", e2e, mark);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await e2e.Index.GetAsync("pypi/bwclioutside/json")).Status);
    }

    [Fact]
    public async Task Token_create_for_an_unknown_user_fails_and_prints_nothing_on_stdout()
    {
        var result = await e2e.Cli.RunAsync(["token", "create", "nobody-by-this-name"]);

        Check.Failed(result, e2e, 0, "token create for an unknown user");
        Assert.Equal("", result.Stdout);
        Assert.Contains("nobody-by-this-name", result.Stderr);
    }

    [Fact]
    public async Task Project_yank_and_unyank_show_on_the_simple_and_json_pages()
    {
        var built = await e2e.BuildAndUploadAsync("cli-yanker",
            new PythonProject("bwcliyank", "1.0", BuildBackend.FlitCore),
            new PythonProject("bwcliyank", "1.1", BuildBackend.FlitCore));

        var yank = await e2e.Cli.RunAsync(["project", "yank", "bwcliyank", "1.1", "--reason", "Broken on Windows"]);
        Check.Succeeded(yank, e2e, 0, "bulwark project yank");

        var files = await e2e.Index.SimpleFilesAsync("bwcliyank");
        Assert.Equal(4, files.Count);
        Assert.All(files.Where(f => f.Filename.Contains("-1.1")), f => Assert.Equal("Broken on Windows", f.YankedReason));
        Assert.All(files.Where(f => f.Filename.Contains("-1.0")), f => Assert.False(f.IsYanked, $"{f.Filename} is not yanked"));
        var html = await e2e.Index.SimpleHtmlAsync("bwcliyank");
        var yankedAnchors = Regex.Matches(html, "<a [^>]*data-yanked=\"([^\"]*)\"[^>]*>([^<]+)</a>");
        Assert.Equal(built[1].Files.Select(Path.GetFileName).Order(), yankedAnchors.Select(m => m.Groups[2].Value.Trim()).Order());
        Assert.All(yankedAnchors, m => Assert.Equal("Broken on Windows", m.Groups[1].Value));
        var json = await e2e.Index.ProjectJsonAsync("bwcliyank");
        Assert.Equal("1.0", json.GetProperty("info").GetProperty("version").GetString());
        Assert.All(json.GetProperty("releases").GetProperty("1.1").EnumerateArray(), f =>
        {
            Assert.True(f.GetProperty("yanked").GetBoolean());
            Assert.Equal("Broken on Windows", f.GetProperty("yanked_reason").GetString());
        });

        var unyank = await e2e.Cli.RunAsync(["project", "unyank", "bwcliyank", "1.1"]);
        Check.Succeeded(unyank, e2e, 0, "bulwark project unyank");
        Assert.All(await e2e.Index.SimpleFilesAsync("bwcliyank"), f => Assert.False(f.IsYanked, $"{f.Filename} is no longer yanked"));
        Assert.DoesNotContain("data-yanked", await e2e.Index.SimpleHtmlAsync("bwcliyank"));
        Assert.Equal("1.1", (await e2e.Index.ProjectJsonAsync("bwcliyank")).GetProperty("info").GetProperty("version").GetString());
    }

    [Fact]
    public async Task Token_create_refuses_a_project_the_user_has_no_role_on_and_allows_a_new_name()
    {
        await e2e.BuildAndUploadAsync("cli-scope-owner", new PythonProject("bwcliscoped", "1.0", BuildBackend.FlitCore));
        Check.Succeeded(await e2e.Cli.RunAsync(["user", "add", "cli-outsider", "--email", "cli-outsider@example.com"]), e2e, 0, "bulwark user add");

        var refused = await e2e.Cli.RunAsync(["token", "create", "cli-outsider", "--project", "BWCliScoped"]);
        Check.Failed(refused, e2e, 0, "token create for a project the user has no role on");
        Assert.Equal("", refused.Stdout);
        Check.OutputContains(refused, "cli-outsider has no role on the project 'bwcliscoped'", e2e, 0);
        // Also when it is one of several: no token at all.
        var mixed = await e2e.Cli.RunAsync(["token", "create", "cli-outsider", "--project", "bwcli-outsider-new", "--project", "bwcliscoped"]);
        Check.Failed(mixed, e2e, 0, "token create naming a foreign project among others");
        Assert.Equal("", mixed.Stdout);

        // A name nobody has taken yet is allowed, as on the web: the first upload creates the project.
        var fresh = await e2e.Cli.RunAsync(["token", "create", "cli-outsider", "--project", "bwcli-outsider-new"]);
        Check.Succeeded(fresh, e2e, 0, "token create for a new project name");
        SingleLine(fresh);
        // And the owner's own project is allowed.
        var own = await e2e.Cli.RunAsync(["token", "create", "cli-scope-owner", "--project", "bwcliscoped"]);
        Check.Succeeded(own, e2e, 0, "token create for the user's own project");
        SingleLine(own);
    }

    [Theory]
    [InlineData("repport list", "'repport' is not a Bulwark verb")]
    [InlineData("usr add someone", "'usr' is not a Bulwark verb (did you mean 'user'?).")]
    [InlineData("token-create alice", "'token-create' is not a Bulwark verb")]
    [InlineData("serve report", "'report' is not a server option")]
    [InlineData("--urls http://127.0.0.1:1 user add someone", "'user' is not a server option")]
    public async Task An_unknown_verb_prints_an_error_and_the_verbs_instead_of_serving(string arguments, string message)
    {
        var result = await e2e.Cli.RunAsync(arguments.Split(' '));

        // Before, the server started on port 8080 and ran until the timeout.
        Check.Failed(result, e2e, 0, $"bulwark {arguments}");
        Assert.Equal("", result.Stdout);
        Check.OutputContains(result, message, e2e, 0);
        foreach (var verb in new[] { "serve", "user", "token", "project" }) Assert.Matches($"(?m)^  {verb} ", result.Stderr);
        Assert.DoesNotContain("Now listening", result.Output);
    }

    [Fact]
    public async Task Server_options_still_start_the_server_with_serve_and_with_no_verb()
    {
        var folder = Path.GetDirectoryName(BulwarkCli.AssemblyPath)!;
        var home = e2e.NewDirectory("serve-home");
        foreach (var verb in new[] { "serve", null })
        {
            var data = e2e.NewDirectory($"serve-{verb ?? "no-verb"}-data");
            string[] arguments = verb is null ? [$"--Bulwark:DataDirectory={data}"] : [verb, $"--Bulwark:DataDirectory={data}"];
            await using var server = await BulwarkProcess.StartAsync(folder, e2e.NewDirectory("serve-cwd"), home, arguments: arguments);
            using var http = server.CreateHttpClient();
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("simple/")).StatusCode);
            Assert.True(File.Exists(Path.Combine(data, "bulwark.db")), $"--Bulwark:DataDirectory was not used ({verb ?? "no verb"}).\n{server.Output}");
            Assert.Contains($"Now listening on: {server.BaseUri.ToString().TrimEnd('/')}", server.Output);
        }
    }

    /// <summary>stdout must be exactly one line, the token, with nothing around it.</summary>
    private string SingleLine(ProcessResult result)
    {
        var lines = result.Stdout.Split('\n');
        Check.That(lines.Length == 2 && lines[1] == "" && Regex.IsMatch(lines[0], @"^\S{20,}$"),
            "token create should print exactly one line holding the token", e2e, 0, result);
        return lines[0];
    }
}
