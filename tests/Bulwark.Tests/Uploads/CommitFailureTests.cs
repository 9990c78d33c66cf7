using System.Net;
using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Bulwark.Hosting;
using Bulwark.Storage.S3;
using Bulwark.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Uploads;

/// <summary>
/// The database refuses the commit after the file is already in the store: the upload fails and the file it
/// stored is removed again, from the disk or from the bucket, so neither a row nor an object is left behind.
/// </summary>
public abstract class CommitFailureTests<TServer>(TServer server) : UploadTestBase<TServer>(server) where TServer : BulwarkServer
{
    [Fact]
    public async Task A_failed_commit_leaves_no_row_no_blob_and_no_temp_file()
    {
        var name = FailingCommit.Stem + Guid.NewGuid().ToString("N")[..8];
        var token = await Server.CreateTokenAsync("commit-" + name[^6..]);
        var spec = new TestDistributions.Spec(name, "1.0");

        var response = await UploadAsync(UploadForm.For(spec), token);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.False(await Server.WithDbAsync(db => db.Projects.AnyAsync(p => p.NormalizedName == name)), "no project row");
        Assert.DoesNotContain(await Server.ListBlobsAsync(), b => b.Path.EndsWith("/" + spec.WheelFilename, StringComparison.Ordinal)
            || b.Path.EndsWith("/" + spec.WheelFilename + ".metadata", StringComparison.Ordinal));
        Assert.Empty(Server.TempFiles());
    }

    [Fact]
    public async Task A_commit_that_succeeds_keeps_its_blob()
    {
        var name = "commit-ok-" + Guid.NewGuid().ToString("N")[..8];
        var token = await Server.CreateTokenAsync("commitok-" + name[^6..]);
        var spec = new TestDistributions.Spec(name, "1.0");
        await AssertOkAsync(await UploadAsync(UploadForm.For(spec), token));
        Assert.Contains(await Server.ListBlobsAsync(), b => b.Path.EndsWith("/" + spec.WheelFilename, StringComparison.Ordinal));
    }
}

/// <summary>Fails every save that adds a file of a project named <see cref="Stem"/>…, as a lost database would.</summary>
public sealed class FailingCommit : SaveChangesInterceptor
{
    public const string Stem = "failcommit-";

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken ct = default)
    {
        var adding = eventData.Context!.ChangeTracker.Entries<ReleaseFile>().Any(e => e.State == EntityState.Added && e.Entity.Filename.StartsWith(Stem.Replace('-', '_'), StringComparison.Ordinal));
        return adding ? throw new InvalidOperationException("The database went away (test).") : ValueTask.FromResult(result);
    }

    public static void Install(IWebHostBuilder builder) =>
        builder.ConfigureServices(services => services.ConfigureDbContext<BulwarkDbContext>(options => options.AddInterceptors(new FailingCommit())));
}

public sealed class FailingCommitServer() : BulwarkServer(DatabaseKind.Sqlite)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        FailingCommit.Install(builder);
    }
}

public sealed class FailingCommitS3Server() : S3BackedServer(DatabaseKind.Postgres, S3DownloadMode.Proxy)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        FailingCommit.Install(builder);
    }
}

public sealed class CommitFailureTestsFileSystem(FailingCommitServer s) : CommitFailureTests<FailingCommitServer>(s), IClassFixture<FailingCommitServer>;

public sealed class CommitFailureTestsS3(FailingCommitS3Server s) : CommitFailureTests<FailingCommitS3Server>(s), IClassFixture<FailingCommitS3Server>;
