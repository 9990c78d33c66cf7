using Bulwark.Core.Data;

namespace Bulwark.Core.Audit;

/// <summary>Who is acting, captured once per request (or per admin command) and stamped on every event.</summary>
public sealed record Actor(string? IpAddress, string? UserAgent, long? UserId = null, Guid? TokenId = null)
{
    public static Actor Cli(string verb) => new("cli", $"bulwark {verb}");
}

/// <summary>Adds audit events to the current unit of work; they commit with the change they describe.</summary>
public sealed class AuditLog(BulwarkDbContext db, TimeProvider time)
{
    /// <summary>
    /// Records an event. Details are typed: the log serialises them once (see <see cref="AuditDetailsJson"/>), so
    /// no call site builds JSON and the stored text is the canonical input of the hash chain.
    /// </summary>
    public AuditEvent Record(AuditEventType type, Actor actor, long? userId = null, long? projectId = null, IAuditDetails? details = null)
    {
        var ev = new AuditEvent
        {
            // Whole microseconds: PostgreSQL keeps no more, and the hash chain must hash what is stored.
            OccurredAt = AuditChainHash.ToStoredPrecision(time.GetUtcNow()),
            Type = type,
            UserId = userId ?? actor.UserId,
            ActorUserId = actor.UserId,
            ProjectId = projectId,
            IpAddress = Truncate(actor.IpAddress, 64),
            UserAgent = Truncate(actor.UserAgent, 512),
            TokenId = actor.TokenId,
            Details = details is null ? null : AuditDetailsJson.Serialize(details),
        };
        db.AuditEvents.Add(ev);
        return ev;
    }

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}
