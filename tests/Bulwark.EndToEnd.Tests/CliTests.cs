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

    /// <summary>stdout must be exactly one line, the token, with nothing around it.</summary>
    private string SingleLine(ProcessResult result)
    {
        var lines = result.Stdout.Split('\n');
        Check.That(lines.Length == 2 && lines[1] == "" && Regex.IsMatch(lines[0], @"^\S{20,}$"),
            "token create should print exactly one line holding the token", e2e, 0, result);
        return lines[0];
    }
}
