using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Accounts.Sessions;

/// <summary>The raw session id goes into the cookie; it is returned once and never stored.</summary>
public sealed record CreatedSession(string SessionId, UserSession Session);

public enum SessionCheck
{
    Valid,
    /// <summary>Password verified; only the second sign-in step may use this session.</summary>
    SecondFactorPending,
    /// <summary>No such session (or a malformed id): the caller treats the request as signed out.</summary>
    Invalid,
    Revoked,
    /// <summary>Older than the absolute lifetime.</summary>
    Expired,
    /// <summary>Unused for longer than the idle timeout.</summary>
    Idle,
    UserFrozen,
}

public sealed record SessionValidation(SessionCheck Result, UserSession? Session)
{
    public User? User => Session?.User;
    public bool IsSignedIn => Result == SessionCheck.Valid;
}

/// <summary>
/// Server-side sessions: created at sign-in, checked on every request, ended by sign-out, revocation,
/// lifetime or idleness. A new id is issued at every authentication step (sign-in, second factor,
/// re-authentication), so an id seen before authentication is worthless after it.
/// </summary>
public sealed class SessionService(BulwarkDbContext db, AuditLog audit, SessionOptions options, TimeProvider time)
{
    public SessionOptions Options => options;

    /// <summary>
    /// Starts a session after the password (or a passkey) was verified. With <paramref name="secondFactorPending"/>
    /// the session only lets the user finish signing in, and only for <see cref="SessionOptions.SecondFactorTimeout"/>.
    /// </summary>
    public async Task<CreatedSession> CreateAsync(User user, AuthMethod method, bool secondFactorPending, Actor actor, CancellationToken ct = default)
    {
        var (secret, hash) = OpaqueSecret.Create();
        var now = time.GetUtcNow();
        var session = new UserSession
        {
            TokenHash = hash,
            UserId = user.Id,
            User = user,
            CreatedAt = now,
            LastSeenAt = now,
            AuthenticatedAt = now,
            AuthMethod = method,
            SecondFactorPending = secondFactorPending,
            // A one-step sign-in (password of an account without factors, or a passkey) has no relayable second
            // step to hold back. A two-step sign-in decides at CompleteSecondFactorAsync.
            DeviceConfirmed = !secondFactorPending,
            IpAddress = Truncate(actor.IpAddress, 64),
            UserAgent = Truncate(actor.UserAgent, 512),
        };
        db.UserSessions.Add(session);
        await db.SaveChangesAsync(ct);
        return new CreatedSession(secret, session);
    }

    /// <summary>
    /// Looks up the session for a cookie value and applies every limit. A valid session's last-seen time
    /// is written at most once per <see cref="SessionOptions.TouchInterval"/>.
    /// </summary>
    public async Task<SessionValidation> ValidateAsync(string? sessionId, CancellationToken ct = default)
    {
        if (OpaqueSecret.Hash(sessionId) is not { } hash) return new(SessionCheck.Invalid, null);
        var session = await db.UserSessions.Include(s => s.User).FirstOrDefaultAsync(s => s.TokenHash == hash, ct);
        if (session is null) return new(SessionCheck.Invalid, null);
        if (session.IsRevoked) return new(SessionCheck.Revoked, session);
        var now = time.GetUtcNow();
        if (session.User.IsFrozen)
        {
            // A frozen account keeps no session, whatever path the freeze took.
            await EndAsync(session, SessionEndReason.AccountFrozen, now, ct);
            return new(SessionCheck.UserFrozen, session);
        }
        if (now - session.CreatedAt >= options.AbsoluteLifetime) return new(SessionCheck.Expired, session);
        if (now - session.LastSeenAt >= options.IdleTimeout) return new(SessionCheck.Idle, session);
        if (session.SecondFactorPending)
        {
            return now - session.AuthenticatedAt >= options.SecondFactorTimeout
                ? new(SessionCheck.Expired, session)
                : new(SessionCheck.SecondFactorPending, session);
        }
        if (now - session.LastSeenAt >= options.TouchInterval)
        {
            session.LastSeenAt = now;
            await db.SaveChangesAsync(ct);
        }
        return new(SessionCheck.Valid, session);
    }

    /// <summary>True when the session authenticated recently enough for a sensitive action ("sudo").</summary>
    public bool IsFresh(UserSession session) =>
        !session.SecondFactorPending && time.GetUtcNow() - session.AuthenticatedAt <= options.ReauthenticationWindow;

    /// <summary>
    /// Records a fresh authentication in this session (the caller verified the password or a factor) and
    /// returns the session's new id: the old cookie value stops working.
    /// </summary>
    public async Task<string> ReauthenticateAsync(UserSession session, AuthMethod method, Actor actor, CancellationToken ct = default)
    {
        EnsureUsable(session);
        var (secret, hash) = OpaqueSecret.Create();
        var now = time.GetUtcNow();
        session.TokenHash = hash;
        session.AuthenticatedAt = now;
        session.LastSeenAt = now;
        session.AuthMethod = method;
        audit.Record(AuditEventType.Reauthenticated, actor with { UserId = session.UserId }, session.UserId, details: Details(session, method.ToString()));
        await db.SaveChangesAsync(ct);
        return secret;
    }

    /// <summary>
    /// Completes a two-step sign-in: the pending session becomes a full one under a new id (the second
    /// step is an authentication, so the id changes). Called by the second-factor handlers.
    /// </summary>
    /// <param name="deviceConfirmed">False for a TOTP or recovery-code sign-in from a browser not seen before:
    /// the session then cannot do sensitive actions until the device is confirmed.</param>
    public async Task<string> CompleteSecondFactorAsync(UserSession session, AuthMethod method, Actor actor, CancellationToken ct = default, bool deviceConfirmed = false)
    {
        if (!session.SecondFactorPending) throw new InvalidOperationException("The session is not waiting for a second factor.");
        EnsureUsable(session);
        var (secret, hash) = OpaqueSecret.Create();
        var now = time.GetUtcNow();
        session.TokenHash = hash;
        session.SecondFactorPending = false;
        session.DeviceConfirmed = deviceConfirmed;
        session.AuthMethod = method;
        session.AuthenticatedAt = now;
        session.LastSeenAt = now;
        await db.SaveChangesAsync(ct);
        return secret;
    }

    /// <summary>Marks the session's device as confirmed (out-of-band link or a phishing-resistant factor).</summary>
    public async Task ConfirmDeviceAsync(UserSession session, CancellationToken ct = default)
    {
        session.DeviceConfirmed = true;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Ends one session: the user's own sign-out, or a revocation from the session list.</summary>
    public async Task<bool> RevokeAsync(UserSession session, SessionEndReason reason, Actor actor, CancellationToken ct = default)
    {
        if (session.IsRevoked) return false;
        audit.Record(reason == SessionEndReason.SignedOut ? AuditEventType.SignedOut : AuditEventType.SessionRevoked,
            actor, session.UserId, details: Details(session, reason.ToString()));
        await EndAsync(session, reason, time.GetUtcNow(), ct);
        return true;
    }

    /// <summary>Ends every session of the user except <paramref name="keepSessionId"/> (the one making the change).</summary>
    public Task<int> RevokeAllExceptAsync(long userId, long keepSessionId, SessionEndReason reason, Actor actor, CancellationToken ct = default) =>
        RevokeManyAsync(userId, keepSessionId, reason, actor, ct);

    /// <summary>Ends every session of the user (password reset, freeze).</summary>
    public Task<int> RevokeAllAsync(long userId, SessionEndReason reason, Actor actor, CancellationToken ct = default) =>
        RevokeManyAsync(userId, null, reason, actor, ct);

    /// <summary>The user's sessions that have not been revoked and have not run out, newest first.</summary>
    public async Task<IReadOnlyList<UserSession>> ListActiveAsync(long userId, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var createdAfter = now - options.AbsoluteLifetime;
        var seenAfter = now - options.IdleTimeout;
        return await db.UserSessions.AsNoTracking()
            .Where(s => s.UserId == userId && s.RevokedAt == null && s.CreatedAt > createdAfter && s.LastSeenAt > seenAfter)
            .OrderByDescending(s => s.CreatedAt)
            .ToListAsync(ct);
    }

    /// <summary>
    /// Deletes sessions that cannot be valid any more and ended longer than the retention ago. Run by the
    /// housekeeping service, never by a request; validation never depends on it (lifetimes are checked on read).
    /// </summary>
    public Task<int> PruneAsync(CancellationToken ct = default)
    {
        var cutoff = time.GetUtcNow() - options.AbsoluteLifetime - Housekeeping.Retention;
        return db.UserSessions.Where(s => s.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
    }

    public Task<UserSession?> FindAsync(long userId, long sessionId, CancellationToken ct = default) =>
        db.UserSessions.FirstOrDefaultAsync(s => s.Id == sessionId && s.UserId == userId, ct);

    private async Task<int> RevokeManyAsync(long userId, long? keepSessionId, SessionEndReason reason, Actor actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var open = await db.UserSessions
            .Where(s => s.UserId == userId && s.RevokedAt == null && (keepSessionId == null || s.Id != keepSessionId))
            .ToListAsync(ct);
        foreach (var session in open)
        {
            session.RevokedAt = now;
            session.EndReason = reason;
        }
        if (open.Count > 0)
        {
            audit.Record(AuditEventType.SessionRevoked, actor, userId,
                details: new SessionsRevokedDetails(reason.ToString(), open.Count, keepSessionId));
        }
        await db.SaveChangesAsync(ct);
        return open.Count;
    }

    private async Task EndAsync(UserSession session, SessionEndReason reason, DateTimeOffset now, CancellationToken ct)
    {
        session.RevokedAt = now;
        session.EndReason = reason;
        await db.SaveChangesAsync(ct);
    }

    private static void EnsureUsable(UserSession session)
    {
        if (session.IsRevoked) throw new InvalidOperationException("The session has ended.");
    }

    private static SessionAuditDetails Details(UserSession session, string what) => new(session.Id, what);

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}

/// <summary>One session's event (re-authenticated, revoked): the session and what happened.</summary>
public sealed record SessionAuditDetails(long Session, string What) : IAuditDetails;

/// <summary>Sessions of an account ended together (<see cref="AuditEventType.SessionRevoked"/>): why, how many, and the one kept.</summary>
public sealed record SessionsRevokedDetails(string Reason, int Count, long? Kept) : IAuditDetails;
