using System.Text;
using Bulwark.Core.Accounts.Passwords;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Throttling;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;

namespace Bulwark.Core.Accounts.Flows;

public sealed record ReauthenticationResult(AccountResult Result, string? NewSessionId);

/// <summary>
/// "Sudo" with the password: a signed-in user proves again who they are before a sensitive action. The
/// session gets a new id (new authentication, new id), which the caller puts into the cookie.
/// </summary>
public sealed class Reauthentication(BulwarkDbContext db, PasswordHasher hasher, SessionService sessions, AuthThrottle throttle, AuditLog audit)
{
    public async Task<ReauthenticationResult> WithPasswordAsync(UserSession session, string password, Actor actor, CancellationToken ct = default)
    {
        var user = session.User;
        if (session.IsRevoked || session.SecondFactorPending || user.PasswordHash is null || user.IsFrozen)
        {
            return new(new AccountResult(AccountStatus.Refused, "Sign in again."), null);
        }
        // Same limits as sign-in: a session left open on a shared computer must not become a way to
        // guess the password without them.
        var decision = await throttle.CheckLoginAsync(user.Username, actor.IpAddress, ct);
        if (!decision.Allowed) return new(AccountResult.Throttled(decision.RetryAfterSeconds), null);
        if (Encoding.UTF8.GetByteCount(password) > PasswordHasher.MaxPasswordBytes || !hasher.Verify(user.PasswordHash, password))
        {
            await throttle.RecordLoginFailureAsync(user.Username, actor.IpAddress, ct);
            audit.Record(AuditEventType.LoginFailure, actor with { UserId = user.Id }, user.Id,
                details: System.Text.Json.JsonSerializer.Serialize(new { reason = "wrong password at re-authentication", session = session.Id }));
            await db.SaveChangesAsync(ct);
            return new(new AccountResult(AccountStatus.WrongCredentials, "The password is incorrect.", "password"), null);
        }
        var newId = await sessions.ReauthenticateAsync(session, AuthMethod.Password, actor with { UserId = user.Id }, ct);
        return new(AccountResult.Ok("Confirmed."), newId);
    }
}
