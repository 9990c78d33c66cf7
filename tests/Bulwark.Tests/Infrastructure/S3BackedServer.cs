using Bulwark.Hosting;
using Bulwark.Storage.S3;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Infrastructure;

/// <summary>A server whose files live in a bucket of its own on a local S3 server (s3rver), under a key prefix.</summary>
/// <param name="smallBlobCache">False: every download reads the object store (the in-memory cache of small files is off).</param>
public abstract class S3BackedServer(DatabaseKind database, S3DownloadMode downloads, bool smallBlobCache = true) : BulwarkServer(database)
{
    private S3TestServer? _s3;

    public S3TestServer S3 => _s3 ?? throw new InvalidOperationException("The S3 server starts with the fixture.");

    protected override async Task PrepareAsync() => _s3 = await S3TestServer.StartAsync();

    protected override async ValueTask CleanUpAsync()
    {
        if (_s3 is not null) await _s3.DisposeAsync();
    }

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        S3.Settings(downloads, prefix: "index/").Concat(smallBlobCache ? [] : [new("Bulwark:Index:SmallBlobCacheMegabytes", "0")]);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton(S3TestServer.Credentials));
    }
}

public sealed class S3SqliteServer() : S3BackedServer(DatabaseKind.Sqlite, S3DownloadMode.Proxy);

public sealed class S3PostgresServer() : S3BackedServer(DatabaseKind.Postgres, S3DownloadMode.Proxy);

/// <summary>Every download streamed from the bucket through Bulwark.</summary>
public sealed class S3StreamingServer() : S3BackedServer(DatabaseKind.Sqlite, S3DownloadMode.Proxy, smallBlobCache: false);

/// <summary>Every download answered with a redirect to a presigned URL.</summary>
public sealed class S3RedirectServer() : S3BackedServer(DatabaseKind.Sqlite, S3DownloadMode.Redirect, smallBlobCache: false);
