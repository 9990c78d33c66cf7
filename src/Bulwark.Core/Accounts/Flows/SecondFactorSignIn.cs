using Bulwark.Core.Accounts.Devices;
using Bulwark.Core.Accounts.RecoveryCodes;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Throttling;
using Bulwark.Core.Accounts.Totp;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Accounts.WebAuthn;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;

using Bulwark.Core.Outcomes;

namespace Bulwark.Core.Accounts.Flows;

/// <summary>
/// A completed second sign-in step: the cookie gets <see cref="NewSessionId"/>. <see cref="Message"/> is what
/// to tell the user (for a recovery code, how many are left, given in <see cref="RecoveryCodesRemaining"/>).
/// </summary>
public sealed record SecondStep(string Message, string NewSessionId, bool NewDevice, int? RecoveryCodesRemaining = null);

/// <summary>
/// The second step of a password sign-in: a security key or passkey, a TOTP code, or a recovery code. It
/// works only on a session waiting for it, counts failures against the account and the client network, and
/// completes the session under a new id. A TOTP or recovery-code sign-in from an unknown browser leaves the
/// session unconfirmed and e-mails the owner (see <see cref="DeviceConfirmation"/>).
/// </summary>
public sealed class SecondFactorSignIn(
    BulwarkDbContext db,
    AuthThrottle throttle,
    TotpVerification totp,
    RecoveryCodeRedemption recoveryCodes,
    WebAuthnAssertion webAuthn,
    SessionService sessions,
    KnownDevices devices,
    DeviceConfirmation confirmation,
    AuditLog audit)
{
    public const string NotPendingMessage = "This sign-in has expired or was already completed. Sign in again.";

    public Task<WebAuthnCeremonyStart?> BeginWebAuthnAsync(UserSession pending, CancellationToken ct = default) =>
        webAuthn.BeginAsync(pending.User, FactorPurpose.SignIn, ct);

    public async Task<Outcome<SecondStep>> WithTotpAsync(UserSession pending, string code, string? deviceCookie, Actor actor, CancellationToken ct = default)
    {
        if (await RefuseAsync(pending, "totp", actor, ct) is { } refused) return refused;
        var result = await totp.VerifyAsync(pending.User, code, FactorPurpose.SignIn, actor, ct);
        if (!result.Succeeded) return await FailedAsync(pending, result.Message, actor, ct);
        return await CompleteAsync(pending, AuthMethod.PasswordAndTotp, deviceCookie, actor, null, ct);
    }

    public async Task<Outcome<SecondStep>> WithRecoveryCodeAsync(UserSession pending, string code, string? deviceCookie, Actor actor, CancellationToken ct = default)
    {
        if (await RefuseAsync(pending, "recovery-code", actor, ct) is { } refused) return refused;
        var result = await recoveryCodes.RedeemAsync(pending.User, code, actor, ct);
        if (!result.Succeeded) return await FailedAsync(pending, result.Message, actor, ct);
        var done = await CompleteAsync(pending, AuthMethod.PasswordAndRecoveryCode, deviceCookie, actor, result.Remaining, ct);
        return done.TryGetValue(out var step, out var refusal) ? step with { Message = result.Message } : refusal;
    }

    public async Task<Outcome<SecondStep>> WithWebAuthnAsync(UserSession pending, Guid challengeId, string responseJson, string? deviceCookie, Actor actor, CancellationToken ct = default)
    {
        if (await RefuseAsync(pending, "webauthn", actor, ct) is { } refused) return refused;
        var result = await webAuthn.CompleteAsync(pending.User, challengeId, responseJson, FactorPurpose.SignIn, actor, ct);
        if (!result.Succeeded) return await FailedAsync(pending, result.Message, actor, ct);
        return await CompleteAsync(pending, AuthMethod.PasswordAndWebAuthn, deviceCookie, actor, null, ct);
    }

    private async Task<Refusal?> RefuseAsync(UserSession pending, string method, Actor actor, CancellationToken ct)
    {
        if (!pending.SecondFactorPending || pending.IsRevoked || pending.User.IsFrozen)
        {
            return Refusal.Forbidden(NotPendingMessage);
        }
        var decision = await throttle.CheckSecondFactorAsync(pending.UserId, actor.IpAddress, ct);
        if (decision.Allowed) return null;
        audit.Record(AuditEventType.SecondFactorThrottled, actor with { UserId = pending.UserId }, pending.UserId,
            details: new SecondFactorThrottledDetails(method, decision.Limit, decision.RetryAfterSeconds));
        await db.SaveChangesAsync(ct);
        var wait = TimeSpan.FromSeconds(decision.RetryAfterSeconds);
        return Refusal.Throttled($"Too many wrong second-factor attempts. Try again in {Refusal.DescribeWait(wait)}.", wait);
    }

    private async Task<Outcome<SecondStep>> FailedAsync(UserSession pending, string message, Actor actor, CancellationToken ct)
    {
        // The verifying service already audited the failure with its reason; here it is only counted.
        await throttle.RecordSecondFactorFailureAsync(pending.UserId, actor.IpAddress, ct);
        return Refusal.WrongCredentials(message);
    }

    private async Task<Outcome<SecondStep>> CompleteAsync(UserSession pending, AuthMethod method, string? deviceCookie, Actor actor, int? remaining, CancellationToken ct)
    {
        var user = pending.User;
        // A WebAuthn assertion is bound to this origin, so it confirms the browser by itself. A TOTP or
        // recovery code can be relayed by a fake site; it counts only from a browser that was confirmed before.
        var phishingResistant = method == AuthMethod.PasswordAndWebAuthn;
        var known = phishingResistant || await devices.IsKnownAsync(user.Id, deviceCookie, ct);
        var newId = await sessions.CompleteSecondFactorAsync(pending, method, actor with { UserId = user.Id }, ct, deviceConfirmed: known);
        audit.Record(AuditEventType.LoginSuccess, actor with { UserId = user.Id }, user.Id,
            details: new LoginSuccessDetails(pending.Id, method.ToString(), Step: "second factor", NewDevice: !known));
        await db.SaveChangesAsync(ct);
        if (known)
        {
            await devices.RememberAsync(user.Id, deviceCookie, actor.IpAddress, actor.UserAgent, ct);
            return new SecondStep("Signed in.", newId, NewDevice: false, remaining);
        }
        await confirmation.NewDeviceSignInAsync(pending, actor, ct);
        return new SecondStep("Signed in.", newId, NewDevice: true, remaining);
    }
}

/// <summary>
/// Username-less sign-in with a passkey: a discoverable credential with user verification replaces both
/// the password and the second factor, and is bound to this origin, so the session is complete and confirmed.
/// </summary>
public sealed class PasskeySignIn(
    BulwarkDbContext db,
    AuthThrottle throttle,
    WebAuthnAssertion webAuthn,
    SessionService sessions,
    KnownDevices devices,
    AuditLog audit)
{
    public Task<WebAuthnCeremonyStart> BeginAsync(CancellationToken ct = default) => webAuthn.BeginPasskeyAsync(ct);

    public async Task<SignInResult> SignInAsync(Guid challengeId, string responseJson, string? deviceCookie, Actor actor, CancellationToken ct = default)
    {
        // No account is known before the assertion is checked, so only the client network is counted.
        var decision = await throttle.CheckSecondFactorAsync(null, actor.IpAddress, ct);
        if (!decision.Allowed)
        {
            audit.Record(AuditEventType.SecondFactorThrottled, actor with { UserId = null }, null,
                details: new SecondFactorThrottledDetails("passkey", decision.Limit, decision.RetryAfterSeconds));
            await db.SaveChangesAsync(ct);
            return new SignInResult(SignInOutcome.Throttled,
                $"Too many failed sign-in attempts. Try again in {Refusal.DescribeWait(TimeSpan.FromSeconds(decision.RetryAfterSeconds))}.", RetryAfterSeconds: decision.RetryAfterSeconds);
        }
        var result = await webAuthn.CompletePasskeyAsync(challengeId, responseJson, actor, ct);
        if (!result.Succeeded)
        {
            await throttle.RecordSecondFactorFailureAsync(null, actor.IpAddress, ct);
            return new SignInResult(SignInOutcome.Failed, result.Message);
        }
        var user = result.User!;
        if (user.IsFrozen)
        {
            audit.Record(AuditEventType.LoginFailure, actor with { UserId = null }, user.Id,
                details: new LoginFailureDetails(null, "frozen", Method: "passkey"));
            await db.SaveChangesAsync(ct);
            return new SignInResult(SignInOutcome.Frozen, "This account is frozen. Contact the index administrators.");
        }
        var created = await sessions.CreateAsync(user, AuthMethod.Passkey, secondFactorPending: false, actor with { UserId = user.Id }, ct);
        audit.Record(AuditEventType.LoginSuccess, actor with { UserId = user.Id }, user.Id,
            details: new LoginSuccessDetails(created.Session.Id, AuthMethod.Passkey.ToString(), Credential: result.Credential!.Name));
        await db.SaveChangesAsync(ct);
        await devices.RememberAsync(user.Id, deviceCookie, actor.IpAddress, actor.UserAgent, ct);
        return new SignInResult(SignInOutcome.SignedIn, "Signed in.", created.SessionId, created.Session);
    }
}
