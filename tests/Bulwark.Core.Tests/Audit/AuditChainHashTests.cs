using Bulwark.Core.Audit;

namespace Bulwark.Core.Tests.Audit;

/// <summary>
/// The canonical form of an audit event is fixed: every chain ever stored depends on it. The vector below is also
/// what bench/audit/generate.py computes for its first event.
/// </summary>
public class AuditChainHashTests
{
    private static readonly DateTimeOffset At = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(23_450);

    [Fact]
    public void The_canonical_form_gives_the_pinned_hash()
    {
        var hash = AuditChainHash.Compute(1, At.UtcTicks, 1001, 2, 2, null, "203.0.1.1", "twine/5.1.1 CPython/3.12.3", null,
            """{"filename":"pkg_1-1.1.0-py3-none-any.whl","version":"1.1.0"}""", AuditChainHash.Genesis);
        Assert.Equal("2fc0010eda2be44a79f9ece14acf4cd80c841e9e43de0ee469db203e20f62a1f", hash);
    }

    [Fact]
    public void Time_is_hashed_in_whole_microseconds_and_in_utc()
    {
        var local = At.ToOffset(TimeSpan.FromHours(2)).AddTicks(7);
        var stored = AuditChainHash.ToStoredPrecision(local);
        Assert.Equal(TimeSpan.Zero, stored.Offset);
        Assert.Equal(At, stored);
        Assert.Equal(Hash(At.UtcTicks), Hash(local.UtcTicks));
        Assert.NotEqual(Hash(At.UtcTicks), Hash(At.UtcTicks + 10));
    }

    [Fact]
    public void Field_boundaries_cannot_be_forged_with_separators_in_values()
    {
        // The same characters split differently between the user agent and the details: different events.
        var a = AuditChainHash.Compute(5, At.UtcTicks, 1001, null, null, null, null, "agent\n3:abc", null, "x", AuditChainHash.Genesis);
        var b = AuditChainHash.Compute(5, At.UtcTicks, 1001, null, null, null, null, "agent", null, "3:abc\nx", AuditChainHash.Genesis);
        Assert.NotEqual(a, b);
        // A missing value is not an empty one.
        Assert.NotEqual(
            AuditChainHash.Compute(5, At.UtcTicks, 1001, null, null, null, null, null, null, null, AuditChainHash.Genesis),
            AuditChainHash.Compute(5, At.UtcTicks, 1001, null, null, null, "", null, null, null, AuditChainHash.Genesis));
    }

    [Fact]
    public void Every_field_is_covered()
    {
        var token = Guid.Parse("0000002a-0000-4000-8000-000000000001");
        string H(long id = 5, int type = 1001, long? user = 1, long? actor = 2, long? project = 3, string? ip = "ip", string? ua = "ua",
            Guid? tok = null, string? details = "{}", string? previous = null) =>
            AuditChainHash.Compute(id, At.UtcTicks, type, user, actor, project, ip, ua, tok ?? token, details, previous ?? AuditChainHash.Genesis);
        var variants = new[]
        {
            H(), H(id: 6), H(type: 1002), H(user: 9), H(actor: 9), H(project: 9), H(ip: "ip2"), H(ua: "ua2"),
            H(tok: Guid.Empty), H(details: "{ }"), H(previous: new string('1', 64)),
        };
        Assert.Equal(variants.Length, variants.Distinct().Count());
    }

    private static string Hash(long ticks) =>
        AuditChainHash.Compute(1, ticks, 1001, null, null, null, null, null, null, null, AuditChainHash.Genesis);
}
