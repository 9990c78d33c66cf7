using System.Text;
using Bulwark.Core.Accounts.Devices;
using Bulwark.Core.Accounts.Passwords;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Throttling;
using Bulwark.Core.Accounts.Totp;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Accounts.WebAuthn;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;

using Bulwark.Core.Outcomes;

namespace Bulwark.Core.Accounts.Flows;

/// <summary>A confirmed step-up: the session continues under <see cref="NewSessionId"/>.</summary>
public sealed record Reauthenticated(string NewSessionId)
{
    public const string Message = "Confirmed.";
}

/// <summary>
/// Step-up ("sudo"): a signed-in user proves again who they are before a sensitive action. The method
/// follows the account's strongest factor:
/// <list type="bullet">
/// <item>a security key or passkey: only WebAuthn is accepted. A password (and a TOTP code) can be relayed by
/// a fake site; offering them next to the key would let a relay session step up with what it phished.</item>
/// <item>an authenticator app: password and a TOTP code;</item>
/// <item>no factor: the password.</item>
/// </list>
/// The session gets a new id (new authentication, new id), which the caller puts into the cookie. Every
/// failure is audited and e-mailed to the owner: a failed step-up in a live session is how a stolen session shows.
/// </summary>
public sealed class Reauthentication(
    BulwarkDbContext db,
    PasswordHasher hasher,
    SessionService sessions,
    AuthThrottle throttle,
    PasswordCheckGate gate,
    TwoFactorStatusQuery twoFactor,
    TotpVerification totp,
    WebAuthnAssertion webAuthn,
    DeviceConfirmation devices,
    FactorNotifications notifications,
    AuditLog audit)
{
    public const string UseKeyMessage = "Your account has a security key or passkey: confirm with it instead of the password.";

    public Task<TwoFactorStatus> StatusAsync(UserSession session, CancellationToken ct = default) => twoFactor.GetAsync(session.UserId, ct);

    public async Task<Outcome<Reauthenticated>> WithPasswordAsync(UserSession session, string password, Actor actor, CancellationToken ct = default, string? totpCode = null)
    {
        var user = session.User;
        if (Unusable(session)) return Refusal.Forbidden("Sign in again.");
        var status = await twoFactor.GetAsync(user.Id, ct);
        if (status.HasPhishingResistantFactor) return Refusal.Forbidden(UseKeyMessage);

        // The session's own budget, with the per-account numbers: a session left open on a shared computer must
        // not become a way to guess the password, and a flood against the account must not stop its owner's
        // session from confirming (the account-wide counters would do that).
        var decision = await throttle.CheckSessionPasswordAsync(session.Id, ct);
        if (!decision.Allowed) return Refusal.Throttled(TimeSpan.FromSeconds(decision.RetryAfterSeconds));
        if (status.HasTotp)
        {
            var second = await throttle.CheckSecondFactorAsync(user.Id, actor.IpAddress, ct);
            if (!second.Allowed) return Refusal.Throttled(TimeSpan.FromSeconds(second.RetryAfterSeconds));
        }
        if (!await gate.VerifyTrustedAsync(hasher, user.PasswordHash!, password, ct))
        {
            await throttle.RecordSessionPasswordFailureAsync(user.Username, session.Id, actor.IpAddress, ct);
            audit.Record(AuditEventType.LoginFailure, actor with { UserId = user.Id }, user.Id,
                details: new LoginFailureDetails(null, "wrong password at re-authentication", Session: session.Id));
            audit.Record(AuditEventType.StepUpFailed, actor with { UserId = user.Id }, user.Id,
                details: new StepUpFailedDetails("password", session.Id));
            await db.SaveChangesAsync(ct);
            await notifications.SendAsync(FactorNoticeKind.StepUpFailed, user, actor, ct: ct);
            return Refusal.WrongCredentials("The password is incorrect.", "password");
        }

        var method = AuthMethod.Password;
        if (status.HasTotp)
        {
            if (string.IsNullOrWhiteSpace(totpCode))
            {
                return Refusal.Invalid(field: "totp", message: "Enter the 6-digit code your authenticator app shows.");
            }
            var check = await totp.VerifyAsync(user, totpCode, FactorPurpose.StepUp, actor with { UserId = user.Id }, ct);
            if (!check.Succeeded)
            {
                await throttle.RecordSecondFactorFailureAsync(user.Id, actor.IpAddress, ct);
                // A replay was already reported to the owner by the verifier; other failures are reported here.
                if (check.Check != TotpCheck.Replayed) await notifications.SendAsync(FactorNoticeKind.StepUpFailed, user, actor, SecondFactorMethod.Totp, ct: ct);
                return Refusal.WrongCredentials(check.Message, "totp");
            }
            method = AuthMethod.PasswordAndTotp;
        }
        var newId = await sessions.ReauthenticateAsync(session, method, actor with { UserId = user.Id }, ct);
        return new Reauthenticated(newId);
    }

    public async Task<WebAuthnCeremonyStart?> BeginWebAuthnAsync(UserSession session, CancellationToken ct = default) =>
        Unusable(session) ? null : await webAuthn.BeginAsync(session.User, FactorPurpose.StepUp, ct);

    /// <summary>A WebAuthn step-up also confirms the session's device: the assertion is bound to this origin.</summary>
    public async Task<Outcome<Reauthenticated>> WithWebAuthnAsync(UserSession session, Guid challengeId, string responseJson, string? deviceCookie, Actor actor, CancellationToken ct = default)
    {
        var user = session.User;
        if (Unusable(session)) return Refusal.Forbidden("Sign in again.");
        var decision = await throttle.CheckSecondFactorAsync(user.Id, actor.IpAddress, ct);
        if (!decision.Allowed) return Refusal.Throttled(TimeSpan.FromSeconds(decision.RetryAfterSeconds));
        var result = await webAuthn.CompleteAsync(user, challengeId, responseJson, FactorPurpose.StepUp, actor with { UserId = user.Id }, ct);
        if (!result.Succeeded)
        {
            await throttle.RecordSecondFactorFailureAsync(user.Id, actor.IpAddress, ct);
            // A flagged clone was already reported by the verifier.
            if (result.Outcome != WebAuthnOutcome.PossibleClone) await notifications.SendAsync(FactorNoticeKind.StepUpFailed, user, actor, ct: ct);
            return Refusal.WrongCredentials(result.Message);
        }
        var method = WebAuthnAssertion.MethodOf(result.Credential!) == SecondFactorMethod.Passkey ? AuthMethod.Passkey : AuthMethod.PasswordAndWebAuthn;
        var newId = await sessions.ReauthenticateAsync(session, method, actor with { UserId = user.Id }, ct);
        await devices.ConfirmAsync(session, deviceCookie, "security key step-up", actor with { UserId = user.Id }, ct);
        return new Reauthenticated(newId);
    }

    private static bool Unusable(UserSession session) =>
        session.IsRevoked || session.SecondFactorPending || session.User.PasswordHash is null || session.User.IsFrozen;
}
