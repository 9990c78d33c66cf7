using System.Net;
using Bulwark.Core.Operations;
using Bulwark.Core.Storage;
using Bulwark.Core.Uploads;
using Bulwark.Core.Upstreams;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Upstreams;

/// <summary>
/// Proxied files in the blob store: removed when their name becomes local, kept while a held page lists them, and
/// <c>fsck</c> agrees (it neither calls listed proxied files orphans nor misses the unlisted or damaged ones).
/// </summary>
public abstract class UpstreamStoreTests<TServer>(TServer server) : UpstreamTestBase<TServer>(server) where TServer : UpstreamProxyServer
{
    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }

    // Two hours ahead: every blob is past the age under which fsck leaves blobs alone as possibly in flight.
    private Task<IReadOnlyList<FsckFinding>> FsckAsync(bool repair) => Server.WithScopeAsync(sp =>
    {
        TimeProvider clock = new ShiftedClock(TimeSpan.FromHours(2));
        var leftovers = ActivatorUtilities.CreateInstance<UploadLeftovers>(sp, clock);
        return ActivatorUtilities.CreateInstance<StoreCheck>(sp, leftovers, clock).RunAsync(repair);
    });

    private async Task<string> FetchAsync(string name, UpstreamTestFile file)
    {
        var path = FilePath(name, FileNamed(await JsonPageAsync(name), file.Filename));
        Assert.Equal(HttpStatusCode.OK, (await Client().GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client().GetAsync(path + ".metadata")).StatusCode);
        return UpstreamBlobs.PathFor(file.Sha256, file.Filename);
    }

    // An sdist above the small-blob cache's 256 KB, so it is served from the store rather than from memory.
    private async Task<(UpstreamTestFile File, string Path)> LargeSdistAsync(string name)
    {
        var spec = new TestDistributions.Spec(name, "3.0");
        var noise = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(400_000));
        var file = new UpstreamTestFile(spec.SdistFilename, TestDistributions.Sdist(spec, [($"{spec.Prefix}/data.txt", noise)]));
        Upstream.Add(name, file);
        var path = FilePath(name, FileNamed(await JsonPageAsync(name), file.Filename));
        Assert.Equal(HttpStatusCode.OK, (await Client().GetAsync(path)).StatusCode);
        return (file, path);
    }

    [Fact]
    public async Task When_a_proxied_name_becomes_local_its_proxied_files_are_removed()
    {
        var name = UniqueName("handover");
        var blob = await FetchAsync(name, Upstream.AddWheel(name, "3.0"));
        Assert.NotNull(await Server.ReadBlobAsync(blob));
        Assert.NotNull(await Server.ReadBlobAsync(blob + ".metadata"));

        var token = await Server.CreateTokenAsync("u" + name[^8..]);
        await AssertOkAsync(await UploadAsync(UploadForm.For(new TestDistributions.Spec(name, "1.0")), token));

        Assert.Null(await Server.ReadBlobAsync(blob));
        Assert.Null(await Server.ReadBlobAsync(blob + ".metadata"));
        Assert.False(await Server.WithDbAsync(db => db.UpstreamPages.AnyAsync(p => p.NormalizedName == name)));
    }

    [Fact]
    public async Task Fsck_keeps_listed_proxied_files_and_finds_unlisted_and_damaged_ones()
    {
        var name = UniqueName("fsckup");
        var kept = await FetchAsync(name, Upstream.AddWheel(name, "1.0"));
        var damaged = await FetchAsync(name, Upstream.AddWheel(name, "2.0"));
        var orphan = UpstreamBlobs.PathFor(new string('b', 64), $"{name.Replace('-', '_')}-9.0-py3-none-any.whl");
        Assert.Equal(BlobPutResult.Created, await Server.Blobs.PutBytesAsync(orphan, "left behind"u8.ToArray()));
        // The proxy servers of these tests keep blobs on the file system, where damage can be planted.
        var local = Server.Blobs.GetLocalPath(damaged)!;
        File.SetAttributes(local, FileAttributes.Normal);
        await File.WriteAllTextAsync(local, "flipped bits");

        var findings = (await FsckAsync(repair: false)).Where(f => f.Subject.Contains(name[^10..], StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(findings, f => f.Subject.StartsWith(kept, StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Kind == FsckFindingKind.OrphanBlob && f.Subject == orphan);
        Assert.Contains(findings, f => f.Kind == FsckFindingKind.DigestMismatch && f.Subject == damaged);

        var large = await LargeSdistAsync(name);
        var largeBlob = UpstreamBlobs.PathFor(large.File.Sha256, large.File.Filename);
        var largeLocal = Server.Blobs.GetLocalPath(largeBlob)!;
        File.SetAttributes(largeLocal, FileAttributes.Normal);
        await File.WriteAllTextAsync(largeLocal, "flipped bits");

        var repaired = (await FsckAsync(repair: true)).Where(f => f.Subject.Contains(name[^10..], StringComparison.Ordinal)).ToList();
        Assert.All(repaired, f => Assert.NotNull(f.Repaired));
        Assert.Null(await Server.ReadBlobAsync(orphan));
        Assert.NotNull(await Server.ReadBlobAsync(kept));
        Assert.Null(await Server.ReadBlobAsync(largeBlob));
        // The running server remembered the repaired blob as stored: it fetches and verifies it again instead of failing.
        var again = await Client().GetAsync(large.Path);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("fetched", again.Headers.GetValues("X-Bulwark-Upstream").Single());
        Assert.Equal(large.File.Listed, await again.Content.ReadAsByteArrayAsync());
        Assert.DoesNotContain(await FsckAsync(repair: false), f => f.Subject.Contains(name[^10..], StringComparison.Ordinal));
    }
}

public sealed class UpstreamStoreTestsSqlite(SqliteUpstreamProxyServer s) : UpstreamStoreTests<SqliteUpstreamProxyServer>(s), IClassFixture<SqliteUpstreamProxyServer>;

public sealed class UpstreamStoreTestsPostgres(PostgresUpstreamProxyServer s) : UpstreamStoreTests<PostgresUpstreamProxyServer>(s), IClassFixture<PostgresUpstreamProxyServer>;
