using System.Net;
using Bulwark.Core.Audit;
using Bulwark.Core.Packaging;
using Bulwark.Core.Projects;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Web;

public abstract class ReleasePagesTests<TServer>(TServer server) : WebTestBase<TServer>(server) where TServer : BulwarkServer
{
    private Task<Project> ProjectAsync(string name) =>
        Server.WithDbAsync(db => db.Projects.AsNoTracking().SingleAsync(p => p.NormalizedName == name));

    [Fact]
    public async Task Yank_needs_the_typed_name_shows_the_reason_and_can_be_undone()
    {
        var (owner, browser) = await SignedInUserAsync("yk");
        var project = UniqueName("yank");
        await UploadAsync(owner.Username, new TestDistributions.Spec(project, "1.0"));
        await UploadAsync(owner.Username, new TestDistributions.Spec(project, "1.1"));
        var serial = (await ProjectAsync(project)).LastSerial;

        var page = await browser.GetAsync($"/manage/project/{project}/release/1.1/");
        var unconfirmed = await browser.SubmitAsync(page, "#yank-form", [Field("reason", "broken"), Field("confirm", "")]);
        Assert.Contains("Type the project name", unconfirmed.Get(".flash-error").TextContent);
        Assert.NotNull(unconfirmed.Find("#yank-form"));

        var tooLong = await browser.SubmitAsync(page, "#yank-form", [Field("reason", new string('r', 100_000)), Field("confirm", project)]);
        Assert.Contains("The yank reason is longer than 500 characters", tooLong.Get(".flash-error").TextContent);
        Assert.False(await Server.WithDbAsync(db => db.Releases.Where(r => r.Project.NormalizedName == project && r.Version == "1.1").Select(r => r.Yanked).SingleAsync()));

        var yanked = await browser.SubmitAsync(page, "#yank-form", [Field("reason", "broken wheel"), Field("confirm", project.ToUpperInvariant())]);
        Assert.Contains("pip now skips it", yanked.Get(".flash").TextContent);
        Assert.NotNull(yanked.Find("#unyank-form"));
        var release = await Server.WithDbAsync(db => db.Releases.AsNoTracking().SingleAsync(r => r.Project.NormalizedName == project && r.Version == "1.1"));
        Assert.True(release.Yanked);
        Assert.Equal("broken wheel", release.YankedReason);
        Assert.True((await ProjectAsync(project)).LastSerial > serial, "a yank is journaled so cached index pages change");

        var publicPage = await NewBrowser().GetAsync($"/project/{project}/");
        Assert.Equal($"{project} 1.0", publicPage.Get("h1").TextContent.Trim());
        Assert.Contains("broken wheel", publicPage.Get(".release-history").TextContent);

        var unyanked = await browser.SubmitAsync(yanked, "#unyank-form");
        Assert.Contains("available again", unyanked.Get(".flash").TextContent);
        Assert.False(await Server.WithDbAsync(db => db.Releases.Where(r => r.Project.NormalizedName == project && r.Version == "1.1").Select(r => r.Yanked).SingleAsync()));
        var events = await AuditAsync(e => e.ActorUserId == owner.Id);
        Assert.Contains(events, e => e.Type == AuditEventType.ReleaseYanked && e.Details!.Contains("broken wheel"));
        Assert.Contains(events, e => e.Type == AuditEventType.ReleaseUnyanked);
    }

    [Fact]
    public async Task Deleting_a_file_keeps_its_name_reserved_and_frees_the_space()
    {
        var (owner, browser) = await SignedInUserAsync("df");
        var project = UniqueName("delfile");
        var spec = new TestDistributions.Spec(project, "1.0");
        var token = await Server.CreateTokenAsync(owner.Username);
        await UploadAsync(owner.Username, spec, token: token);
        await UploadAsync(owner.Username, spec, wheel: false, token: token);
        var before = await ProjectAsync(project);
        var wheel = await Server.WithDbAsync(db => db.Files.AsNoTracking().SingleAsync(f => f.Filename == spec.WheelFilename));
        var blob = Path.Combine(Server.DataDirectory, "files", wheel.BlobPath);
        Assert.True(File.Exists(blob));

        var page = await browser.GetAsync($"/manage/project/{project}/release/1.0/");
        Assert.Contains(ReleaseRemoval.ReservedNameNotice, page.Text);
        var selector = $".file-card[data-filename='{spec.WheelFilename}'] .delete-file-form";
        var refused = await browser.SubmitAsync(page, selector, [Field("confirm", "not-it")]);
        Assert.Contains("Type the project name", refused.Get(".flash-error").TextContent);
        Assert.True(File.Exists(blob));

        var deleted = await browser.SubmitAsync(page, selector, [Field("confirm", project)]);
        Assert.Contains($"Deleted {spec.WheelFilename}", deleted.Get(".flash").TextContent);
        Assert.Contains("stay reserved", deleted.Get(".flash").TextContent);
        Assert.False(File.Exists(blob), "the blob is deleted");
        Assert.False(File.Exists(blob + ".metadata"));
        var after = await ProjectAsync(project);
        Assert.Equal(before.TotalSize - wheel.Size, after.TotalSize);
        Assert.True(after.LastSerial > before.LastSerial);
        Assert.True(await Server.WithDbAsync(db => db.Journal.AnyAsync(j => j.ProjectName == project && j.Action == $"remove file {spec.WheelFilename}")));
        Assert.True(await Server.WithDbAsync(db => db.FilenameRegistrations.AnyAsync(r => r.Filename == spec.WheelFilename)));
        Assert.Contains(await AuditAsync(e => e.ProjectId == after.Id), e => e.Type == AuditEventType.FileRemoved && e.Details!.Contains(spec.WheelFilename));

        var publicPage = await NewBrowser().GetAsync($"/project/{project}/");
        Assert.DoesNotContain(spec.WheelFilename, publicPage.Get("#files").TextContent);
        Assert.Contains(spec.SdistFilename, publicPage.Get("#files").TextContent);

        var reupload = await TryUploadAsync(token, spec);
        Assert.Equal(HttpStatusCode.BadRequest, reupload.StatusCode);
        Assert.Contains("previously used by a file that has since been deleted", reupload.ReasonPhrase);
    }

    [Fact]
    public async Task Deleting_a_release_removes_all_its_files_and_audits_it()
    {
        var (owner, browser) = await SignedInUserAsync("dr");
        var project = UniqueName("delrel");
        var old = new TestDistributions.Spec(project, "1.0");
        var token = await Server.CreateTokenAsync(owner.Username);
        await UploadAsync(owner.Username, old, token: token);
        await UploadAsync(owner.Username, old, wheel: false, token: token);
        await UploadAsync(owner.Username, new TestDistributions.Spec(project, "2.0"), token: token);
        var blobs = await Server.WithDbAsync(db => db.Files.Where(f => f.Release.Version == "1.0" && f.ProjectId == db.Projects.Single(p => p.NormalizedName == project).Id)
            .Select(f => f.BlobPath).ToListAsync());
        Assert.Equal(2, blobs.Count);

        var page = await browser.GetAsync($"/manage/project/{project}/release/1.0/");
        var deleted = await browser.SubmitAsync(page, "#delete-release-form", [Field("confirm", project)]);
        Assert.Contains("Deleted release 1.0 and its 2 files", deleted.Get(".flash").TextContent);
        Assert.Equal(["2.0"], deleted.All("#releases tbody tr").Select(r => r.GetAttribute("data-version")).ToList());
        Assert.All(blobs, b => Assert.False(File.Exists(Path.Combine(Server.DataDirectory, "files", b))));
        var state = await ProjectAsync(project);
        Assert.Equal(await Server.WithDbAsync(db => db.Files.Where(f => f.ProjectId == state.Id).SumAsync(f => f.Size)), state.TotalSize);
        Assert.Contains(await AuditAsync(e => e.ProjectId == state.Id), e => e.Type == AuditEventType.ReleaseRemoved && e.Details!.Contains(old.SdistFilename));
        Assert.Equal(HttpStatusCode.NotFound, (await NewBrowser().GetAsync($"/project/{project}/1.0/")).Status);
        Assert.Contains("previously used", (await TryUploadAsync(token, old)).ReasonPhrase);
    }

    [Fact]
    public async Task Maintainers_can_yank_but_not_delete()
    {
        var (owner, ownerBrowser) = await SignedInUserAsync("om");
        var project = UniqueName("maint");
        var spec = new TestDistributions.Spec(project, "1.0");
        await UploadAsync(owner.Username, spec);
        var (maintainer, browser) = await SignedInUserAsync("mm");
        var invite = await ownerBrowser.GetAsync($"/manage/project/{project}/collaborators");
        await ownerBrowser.SubmitAsync(invite, "#invite-form", [Field("username", maintainer.Username), Field("role", "Maintainer")]);
        await browser.SubmitAsync(await browser.GetAsync("/account/invitations"), $"#invitations tr[data-project='{project}'] .accept-form");

        var page = await browser.GetAsync($"/manage/project/{project}/release/1.0/");
        Assert.Null(page.Find(".delete-file-form"));
        Assert.Null(page.Find("#delete-release-form"));
        var yanked = await browser.SubmitAsync(page, "#yank-form", [Field("reason", "by maintainer"), Field("confirm", project)]);
        Assert.Contains("pip now skips it", yanked.Get(".flash").TextContent);

        // Forms an owner would see, posted anyway: refused, nothing deleted.
        var csrf = yanked.Get("#unyank-form input[name=__csrf]").GetAttribute("value")!;
        var deleteFile = await browser.PostRawAsync($"/manage/project/{project}/release/1.0/?handler=DeleteFile",
            [Field("__csrf", csrf), Field("filename", spec.WheelFilename), Field("confirm", project)]);
        Assert.Equal(HttpStatusCode.Forbidden, deleteFile.StatusCode);
        var deleteRelease = await browser.PostRawAsync($"/manage/project/{project}/release/1.0/?handler=DeleteRelease",
            [Field("__csrf", csrf), Field("version", "1.0"), Field("confirm", project)]);
        Assert.Equal(HttpStatusCode.Forbidden, deleteRelease.StatusCode);
        Assert.True(await Server.WithDbAsync(db => db.Files.AnyAsync(f => f.Filename == spec.WheelFilename)));
    }

    [Fact]
    public async Task Yanking_and_deleting_ask_for_the_password_after_ten_minutes()
    {
        var (owner, browser) = await SignedInUserAsync("sd");
        var project = UniqueName("sudo");
        await UploadAsync(owner.Username, new TestDistributions.Spec(project, "1.0"));
        var page = await browser.GetAsync($"/manage/project/{project}/release/1.0/");
        await AgeAuthenticationAsync(owner.Id, TimeSpan.FromMinutes(11));
        var response = await browser.SubmitRawAsync(page, "#yank-form", [Field("reason", "late"), Field("confirm", project)]);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/reauthenticate?returnUrl=", response.Headers.Location!.OriginalString);
        Assert.False(await Server.WithDbAsync(db => db.Releases.Where(r => r.Project.NormalizedName == project).Select(r => r.Yanked).SingleAsync()));
    }
}

public sealed class ReleasePagesTestsSqlite(SqliteServer server) : ReleasePagesTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class ReleasePagesTestsPostgres(PostgresServer server) : ReleasePagesTests<PostgresServer>(server), IClassFixture<PostgresServer>;
