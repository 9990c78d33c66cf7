using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests.Upstreams;

/// <summary>
/// A Bulwark in front of a <see cref="FakeUpstream"/>: every page is revalidated (MaxAge 0) so that tests see
/// each upstream state change at once, with a three-second timeout (first requests on a busy test machine can take a second) and a block rule for <c>blocked-*</c>.
/// </summary>
public abstract class UpstreamProxyServer(DatabaseKind database) : BulwarkServer(database)
{
    public FakeUpstream Upstream { get; } = new();

    protected override Task PrepareAsync() => Upstream.StartAsync();

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Bulwark:Upstreams:0:Url", Upstream.SimpleUrl),
        new("Bulwark:Upstreams:0:Timeout", "00:00:03"),
        new("Bulwark:Upstreams:0:MaxAge", "00:00:00"),
        new("Bulwark:Upstreams:0:Block:0", "blocked-*"),
    ];

    protected override ValueTask CleanUpAsync() => Upstream.DisposeAsync();
}

public sealed class SqliteUpstreamProxyServer() : UpstreamProxyServer(DatabaseKind.Sqlite);

public sealed class PostgresUpstreamProxyServer() : UpstreamProxyServer(DatabaseKind.Postgres);
