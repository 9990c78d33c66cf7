using System.Text;
using Bulwark.Core.Accounts.Passwords;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Throttling;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;

namespace Bulwark.Core.Accounts.Flows;

public sealed record ReauthenticationResult(AccountResult Result, string? NewSessionId);

/// <summary>
/// "Sudo": the signed-in user proves again, with the password, that they are at the keyboard before a
/// sensitive action. Wrong passwords count against the sign-in limits, so a stolen session cannot use
/// this form to guess the password. The session gets a new id, as at every authentication.
/// </summary>
public sealed class PasswordReauthentication(
    BulwarkDbContext db,
    PasswordHasher hasher,
    SessionService sessions,
    AuthThrottle throttle,
    AuditLog audit)
{
    public async Task<ReauthenticationResult> ReauthenticateAsync(UserSession session, string password, Actor actor, CancellationToken ct = default)
    {
        var user = session.User;
        if (user.PasswordHash is null || user.IsFrozen)
        {
            return new(new AccountResult(AccountStatus.Refused, "This account cannot confirm with a password."), null);
        }
        var decision = await throttle.CheckLoginAsync(user.Username, actor.IpAddress, ct);
        if (!decision.Allowed) return new(AccountResult.Throttled(decision.RetryAfterSeconds), null);
        if (Encoding.UTF8.GetByteCount(password) > PasswordHasher.MaxPasswordBytes || !hasher.Verify(user.PasswordHash, password))
        {
            await throttle.RecordLoginFailureAsync(user.Username, actor.IpAddress, ct);
            audit.Record(AuditEventType.LoginFailure, actor with { UserId = user.Id }, user.Id,
                details: System.Text.Json.JsonSerializer.Serialize(new { reason = "wrong password at re-authentication" }));
            await db.SaveChangesAsync(ct);
            return new(new AccountResult(AccountStatus.WrongCredentials, "The password is incorrect.", "password"), null);
        }
        var id = await sessions.ReauthenticateAsync(session, AuthMethod.Password, actor, ct);
        return new(AccountResult.Ok("Confirmed."), id);
    }
}
