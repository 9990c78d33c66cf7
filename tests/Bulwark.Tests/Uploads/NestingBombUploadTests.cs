using System.Net;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests.Uploads;

/// <summary>
/// Text nested 200,000 parentheses deep once overflowed the parser's stack, which ended the whole process.
/// Now a token that may not upload to the project is refused before any metadata is parsed (403), and one
/// that may is told which field is nested too deeply (400); either way the index keeps serving.
/// </summary>
public abstract class NestingBombUploadTests<TServer>(TServer server) : UploadTestBase<TServer>(server) where TServer : BulwarkServer
{
    private static readonly string DeepMarker = "a; " + new string('(', 200_000) + "os_name == 'nt'" + new string(')', 200_000);

    private async Task AssertStillServingAsync(string project)
    {
        var response = await Server.CreateClient().GetAsync($"/simple/{project}/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<(string Project, string OwnerToken)> ExistingProjectAsync()
    {
        var project = UniqueName("target");
        var owner = await Server.CreateTokenAsync("o" + project[^8..]);
        await AssertOkAsync(await UploadAsync(UploadForm.For(new TestDistributions.Spec(project, "1.0")), owner));
        return (project, owner);
    }

    [Fact]
    public async Task A_foreign_scoped_token_with_a_deep_requirement_is_refused_403_before_parsing()
    {
        var (project, _) = await ExistingProjectAsync();
        var elsewhere = UniqueName("elsewhere");
        var stranger = "s" + elsewhere[^8..];
        await AssertOkAsync(await UploadAsync(UploadForm.For(new TestDistributions.Spec(elsewhere, "1.0")), await Server.CreateTokenAsync(stranger)));
        var foreign = await Server.CreateTokenAsync(stranger, [elsewhere]);

        var form = UploadForm.For(new TestDistributions.Spec(project, "2.0")).Add("requires_dist", DeepMarker);
        await AssertRefusedAsync(await UploadAsync(form, foreign), HttpStatusCode.Forbidden,
            $"Invalid API Token: project-scoped token is not valid for project: '{project}'");
        await AssertStillServingAsync(project);
    }

    [Fact]
    public async Task The_owner_is_told_which_form_field_is_nested_too_deeply()
    {
        var (project, owner) = await ExistingProjectAsync();

        var form = UploadForm.For(new TestDistributions.Spec(project, "2.0")).Add("requires_dist", DeepMarker);
        var response = await UploadAsync(form, owner);
        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, "'a; ((((");
        Assert.Contains("is invalid for 'requires-dist': nested too deeply", response.ReasonPhrase);
        Assert.True((await response.Content.ReadAsStringAsync()).Length < 1000, "the refusal echoes the value whole");
        await AssertStillServingAsync(project);
    }

    [Theory]
    [InlineData("Requires-Dist", "requires-dist")]
    [InlineData("License-Expression", "license-expression")]
    public async Task Nesting_inside_the_wheel_metadata_is_refused_naming_the_field(string header, string key)
    {
        var (project, owner) = await ExistingProjectAsync();
        var value = header == "Requires-Dist" ? DeepMarker : new string('(', 200_000) + "MIT" + new string(')', 200_000);
        var spec = new TestDistributions.Spec(project, "2.0") { ExtraMetadata = $"{header}: {value}\n" };

        var response = await UploadAsync(UploadForm.For(spec), owner);
        await AssertRefusedAsync(response, HttpStatusCode.BadRequest, "Invalid metadata in ");
        Assert.Contains($"is invalid for '{key}': nested too deeply", response.ReasonPhrase);
        await AssertStillServingAsync(project);
    }
}

public sealed class NestingBombUploadTestsSqlite(SqliteServer s) : NestingBombUploadTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class NestingBombUploadTestsPostgres(PostgresServer s) : NestingBombUploadTests<PostgresServer>(s), IClassFixture<PostgresServer>;
