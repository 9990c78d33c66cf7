using System.Net;
using Bulwark.Core.Audit;
using Bulwark.Core.Packaging;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Uploads;

public abstract class UploadAcceptanceTests<TServer>(TServer server) : UploadTestBase<TServer>(server) where TServer : BulwarkServer
{
    [Fact]
    public async Task First_upload_creates_project_release_file_and_makes_the_uploader_owner()
    {
        var name = UniqueName();
        var token = await Server.CreateTokenAsync("owner-" + name[^6..]);
        var spec = new TestDistributions.Spec(name, "1.0.0") { RequiresPython = ">=3.8" };
        await AssertOkAsync(await UploadAsync(UploadForm.For(spec), token));

        var state = await Server.WithDbAsync(async db =>
        {
            var p = await db.Projects.Include(x => x.Roles).ThenInclude(r => r.User).Include(x => x.Releases).ThenInclude(r => r.Files)
                .SingleAsync(x => x.NormalizedName == ProjectName.Normalize(name));
            var events = await db.AuditEvents.Where(e => e.ProjectId == p.Id).Select(e => e.Type).ToListAsync();
            var registered = await db.FilenameRegistrations.AnyAsync(r => r.Filename == spec.WheelFilename);
            return (p, events, registered);
        });
        var (project, events, registeredName) = state;
        var role = Assert.Single(project.Roles);
        Assert.Equal(ProjectRoleKind.Owner, role.Role);
        var release = Assert.Single(project.Releases);
        Assert.Equal("1", release.CanonicalVersion);
        var file = Assert.Single(release.Files);
        Assert.Equal(spec.WheelFilename, file.Filename);
        Assert.Equal(FileDigests.Compute(TestDistributions.Wheel(spec)).Sha256, file.Sha256Digest);
        Assert.NotNull(file.UploadedWithTokenId);
        Assert.True(registeredName);
        Assert.Contains(AuditEventType.ProjectCreated, events);
        Assert.Contains(AuditEventType.FileAdded, events);
        Assert.True(project.LastSerial > 0);
        Assert.Equal(file.Size, project.TotalSize);

        var stored = await Server.ReadBlobAsync(file.BlobPath);
        Assert.True(stored is not null, "the blob is stored at its content-addressed path");
        Assert.Equal(file.Sha256Digest, FileDigests.Compute(stored).Sha256);
        var metadata = System.Text.Encoding.UTF8.GetString(await Server.ReadBlobAsync(file.BlobPath + ".metadata") ?? []);
        Assert.Contains($"Name: {name}", metadata);
        Assert.Equal(FileDigests.Compute(System.Text.Encoding.UTF8.GetBytes(metadata)).Sha256, file.MetadataSha256Digest);
        Assert.Equal(">=3.8", file.RequiresPython);
        Assert.Empty(Server.TempFiles());
    }

    [Fact]
    public async Task Identical_reupload_is_a_no_op_and_different_bytes_under_the_same_name_are_refused()
    {
        var name = UniqueName();
        var token = await Server.CreateTokenAsync("dup-" + name[^6..]);
        var spec = new TestDistributions.Spec(name, "1.0");
        var form = UploadForm.For(spec);
        await AssertOkAsync(await UploadAsync(form, token));
        await AssertOkAsync(await UploadAsync(form, token));
        Assert.Equal(1, await Server.WithDbAsync(db => db.Files.CountAsync(f => f.Filename == spec.WheelFilename)));

        var changed = UploadForm.For(spec with { Summary = "different bytes" });
        await AssertRefusedAsync(await UploadAsync(changed, token), HttpStatusCode.BadRequest, $"File already exists ('{spec.WheelFilename}', with blake2_256 hash");
    }

    [Fact]
    public async Task Wheel_and_sdist_of_one_release_both_land_but_a_second_sdist_is_refused()
    {
        var name = UniqueName();
        var token = await Server.CreateTokenAsync("sd-" + name[^6..]);
        var spec = new TestDistributions.Spec(name, "2.0");
        await AssertOkAsync(await UploadAsync(UploadForm.For(spec, wheel: true), token));
        await AssertOkAsync(await UploadAsync(UploadForm.For(spec, wheel: false), token));
        Assert.Equal(2, await Server.WithDbAsync(db => db.Files.CountAsync(f => f.Release.Project.NormalizedName == name)));
        Assert.Equal(1, await Server.WithDbAsync(db => db.Releases.CountAsync(r => r.Project.NormalizedName == name)));

        // Same release spelled differently (2.0.0 == 2.0), different bytes, so a different file.
        var again = UploadForm.For(spec with { Version = "2.0.0", Summary = "other" }, wheel: false);
        again.Filename = $"{TestDistributions.Escape(name)}-2.0.0.tar.gz";
        await AssertRefusedAsync(await UploadAsync(again, token), HttpStatusCode.BadRequest, "Only one sdist may be uploaded per release.");
    }

    [Fact]
    public async Task Legacy_path_without_slash_redirects_with_308()
    {
        var name = UniqueName();
        var token = await Server.CreateTokenAsync("redir-" + name[^6..]);
        var response = await UploadAsync(UploadForm.For(new TestDistributions.Spec(name, "1.0")), token, "/legacy");
        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("/legacy/", response.Headers.Location?.OriginalString);
    }
}

public sealed class UploadAcceptanceTestsSqlite(SqliteServer s) : UploadAcceptanceTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class UploadAcceptanceTestsPostgres(PostgresServer s) : UploadAcceptanceTests<PostgresServer>(s), IClassFixture<PostgresServer>;

public sealed class UploadAcceptanceTestsS3Sqlite(S3SqliteServer s) : UploadAcceptanceTests<S3SqliteServer>(s), IClassFixture<S3SqliteServer>;

public sealed class UploadAcceptanceTestsS3Postgres(S3PostgresServer s) : UploadAcceptanceTests<S3PostgresServer>(s), IClassFixture<S3PostgresServer>;
