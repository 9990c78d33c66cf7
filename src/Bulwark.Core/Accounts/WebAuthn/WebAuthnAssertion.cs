using System.Security.Cryptography;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Fido2NetLib;
using Fido2NetLib.Exceptions;
using Fido2NetLib.Objects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Bulwark.Core.Accounts.WebAuthn;

public sealed record WebAuthnAssertionResult(WebAuthnOutcome Outcome, User? User = null, WebAuthnCredential? Credential = null, bool OwnerNotified = false)
{
    public bool Succeeded => Outcome == WebAuthnOutcome.Success;
    public string Message => WebAuthnOutcomes.Message(Outcome);
    /// <summary>True when the user verified themselves to the authenticator (PIN, biometric) this time.</summary>
    public bool UserVerified { get; init; }
}

/// <summary>
/// Verifies WebAuthn assertions (§7.2): as the second step of a password sign-in, as a step-up in a
/// signed-in session, and as a username-less passkey sign-in. Every path consumes its challenge first.
/// </summary>
public sealed class WebAuthnAssertion(
    BulwarkDbContext db,
    WebAuthnRelyingParty relyingParty,
    WebAuthnChallengeStore challenges,
    AuditLog audit,
    FactorNotifications notifications,
    TimeProvider time,
    ILogger<WebAuthnAssertion> logger)
{
    /// <summary>Starts an assertion with one of <paramref name="user"/>'s keys. Null when the user has none usable.</summary>
    public async Task<WebAuthnCeremonyStart?> BeginAsync(User user, FactorPurpose purpose, CancellationToken ct = default)
    {
        var usable = await UsableCredentialsAsync(user.Id, ct);
        if (usable.Count == 0) return null;
        var ceremony = purpose == FactorPurpose.StepUp ? WebAuthnCeremony.StepUp : WebAuthnCeremony.SecondFactor;
        var uv = relyingParty.Settings.UserVerification;
        var challenge = await challenges.IssueAsync(ceremony, user.Id, uv, false, ct);
        var options = relyingParty.AssertionOptions(challenge.Challenge, usable, uv);
        return new WebAuthnCeremonyStart(challenge.Id, options.ToJson(), challenge.ExpiresAt);
    }

    /// <summary>
    /// Starts a username-less sign-in: no credential list (the authenticator offers its discoverable
    /// credentials for this RP ID) and user verification required, because here the key replaces the
    /// password as well as the second factor.
    /// </summary>
    public async Task<WebAuthnCeremonyStart> BeginPasskeyAsync(CancellationToken ct = default)
    {
        var challenge = await challenges.IssueAsync(WebAuthnCeremony.Passkey, null, UserVerificationPolicy.Required, true, ct);
        var options = relyingParty.AssertionOptions(challenge.Challenge, [], UserVerificationPolicy.Required);
        return new WebAuthnCeremonyStart(challenge.Id, options.ToJson(), challenge.ExpiresAt);
    }

    public async Task<WebAuthnAssertionResult> CompleteAsync(User user, Guid challengeId, string responseJson, FactorPurpose purpose, Actor actor, CancellationToken ct = default)
    {
        var ceremony = purpose == FactorPurpose.StepUp ? WebAuthnCeremony.StepUp : WebAuthnCeremony.SecondFactor;
        var failure = purpose == FactorPurpose.StepUp ? AuditEventType.StepUpFailed : AuditEventType.WebAuthnAssertionFailed;
        var (state, challenge) = await challenges.ConsumeAsync(challengeId, ceremony, user.Id, ct);
        if (challenge is null) return await FailAsync(failure, user.Id, null, actor, WebAuthnRegistration.FromChallengeState(state), ct);

        var raw = WebAuthnResponses.ParseAssertion(responseJson);
        if (raw is null) return await FailAsync(failure, user.Id, null, actor, WebAuthnOutcome.Malformed, ct);
        var credential = await db.WebAuthnCredentials.Include(c => c.User).FirstOrDefaultAsync(c => c.CredentialId == raw.RawId, ct);
        if (credential is null) return await FailAsync(failure, user.Id, null, actor, WebAuthnOutcome.UnknownCredential, ct);
        if (credential.UserId != user.Id) return await FailAsync(failure, user.Id, credential, actor, WebAuthnOutcome.WrongUser, ct);

        var allowed = await UsableCredentialsAsync(user.Id, ct);
        var options = relyingParty.AssertionOptions(challenge.Challenge, allowed, challenge.UserVerification);
        return await VerifyAsync(credential, raw, options, failure, actor, ct);
    }

    /// <summary>Completes a username-less sign-in. On success <see cref="WebAuthnAssertionResult.User"/> is the
    /// account to sign in; the caller still applies account standing (frozen, unverified) and throttling.</summary>
    public async Task<WebAuthnAssertionResult> CompletePasskeyAsync(Guid challengeId, string responseJson, Actor actor, CancellationToken ct = default)
    {
        const AuditEventType failure = AuditEventType.WebAuthnAssertionFailed;
        var (state, challenge) = await challenges.ConsumeAsync(challengeId, WebAuthnCeremony.Passkey, null, ct);
        if (challenge is null) return await FailAsync(failure, null, null, actor, WebAuthnRegistration.FromChallengeState(state), ct);

        var raw = WebAuthnResponses.ParseAssertion(responseJson);
        if (raw is null) return await FailAsync(failure, null, null, actor, WebAuthnOutcome.Malformed, ct);
        var credential = await db.WebAuthnCredentials.Include(c => c.User).FirstOrDefaultAsync(c => c.CredentialId == raw.RawId, ct);
        if (credential is null) return await FailAsync(failure, null, null, actor, WebAuthnOutcome.UnknownCredential, ct);
        // A discoverable credential always returns the user handle; without it nothing ties the key to the
        // account it claims, so the library's owner check (which runs only when a handle is present) must not be skipped.
        if (raw.Response.UserHandle is not { Length: > 0 }) return await FailAsync(failure, credential.UserId, credential, actor, WebAuthnOutcome.WrongUser, ct);

        var options = relyingParty.AssertionOptions(challenge.Challenge, [], UserVerificationPolicy.Required);
        return await VerifyAsync(credential, raw, options, failure, actor, ct);
    }

    private async Task<WebAuthnAssertionResult> VerifyAsync(WebAuthnCredential credential, AuthenticatorAssertionRawResponse raw, AssertionOptions options, AuditEventType failure, Actor actor, CancellationToken ct)
    {
        if (!credential.IsUsable) return await FailAsync(failure, credential.UserId, credential, actor, WebAuthnOutcome.CredentialDisabled, ct);

        var handleMismatch = false;
        VerifyAssertionResult verified;
        try
        {
            verified = await relyingParty.Fido2.MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = raw,
                OriginalOptions = options,
                StoredPublicKey = credential.PublicKey,
                StoredSignatureCounter = (uint)credential.SignCount,
                // §7.2 step 6: the user handle the authenticator returned must be the credential owner's
                // random handle. Compared in constant time; it is an identifier, but costs nothing to protect.
                IsUserHandleOwnerOfCredentialIdCallback = (p, _) =>
                {
                    var owns = credential.User.WebAuthnUserHandle is { } handle
                        && CryptographicOperations.FixedTimeEquals(handle, p.UserHandle)
                        && p.CredentialId.AsSpan().SequenceEqual(credential.CredentialId);
                    handleMismatch = !owns;
                    return Task.FromResult(owns);
                },
            }, ct);
        }
        catch (Fido2VerificationException e) when (e.Code == Fido2ErrorCode.InvalidSignCount)
        {
            // The library checks the counter only after the signature, so this is a genuine signature from
            // this credential with a counter that did not go up.
            return await FlagPossibleCloneAsync(credential, raw, actor, ct);
        }
        catch (Fido2VerificationException e)
        {
            logger.LogWarning("WebAuthn assertion refused for credential {Credential}: {Code} {Message}", credential.Id, e.Code, e.Message);
            var outcome = handleMismatch ? WebAuthnOutcome.WrongUser : WebAuthnOutcomes.FromLibrary(e.Code);
            return await FailAsync(failure, credential.UserId, credential, actor, outcome, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException and not DbUpdateException)
        {
            logger.LogWarning(e, "WebAuthn assertion for credential {Credential} could not be processed", credential.Id);
            return await FailAsync(failure, credential.UserId, credential, actor, WebAuthnOutcome.Malformed, ct);
        }

        var now = time.GetUtcNow();
        var newCount = (long)verified.SignCount;
        // Store the counter with a compare-and-set: two assertions racing with the same or a lower counter
        // (possible only when the key exists twice) cannot both succeed. Authenticators without a counter
        // report zero every time; the library already refused a zero after a non-zero one.
        var updated = await db.WebAuthnCredentials
            .Where(c => c.Id == credential.Id && c.FlaggedAsPossibleCloneAt == null && (newCount == 0 ? c.SignCount == 0 : c.SignCount < newCount))
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.SignCount, newCount)
                .SetProperty(c => c.BackedUp, verified.IsBackedUp)
                .SetProperty(c => c.LastUsedAt, now), ct);
        if (updated != 1) return await FlagPossibleCloneAsync(credential, raw, actor, ct);

        // The row changed behind the change tracker's back; read it again so callers see what is stored.
        await db.Entry(credential).ReloadAsync(ct);
        var userVerified = AuthenticatorAssertionResponse.Parse(raw).AuthenticatorData.UserVerified;
        return new WebAuthnAssertionResult(WebAuthnOutcome.Success, credential.User, credential) { UserVerified = userVerified };
    }

    /// <summary>
    /// A valid signature with a counter that did not increase means the authenticator is faulty or its key
    /// exists in two places. We fail closed: the credential is marked and refused from now on, the event is
    /// audited and the owner is told. The owner signs in with another factor or a recovery code, then
    /// removes the key (and registers it again if they trust it).
    /// </summary>
    private async Task<WebAuthnAssertionResult> FlagPossibleCloneAsync(WebAuthnCredential credential, AuthenticatorAssertionRawResponse raw, Actor actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        uint presented;
        try { presented = AuthenticatorData.Parse(raw.Response.AuthenticatorData).SignCount; }
        catch (Exception e) when (e is not OperationCanceledException) { presented = 0; }
        await db.WebAuthnCredentials
            .Where(c => c.Id == credential.Id && c.FlaggedAsPossibleCloneAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.FlaggedAsPossibleCloneAt, now), ct);
        await db.Entry(credential).ReloadAsync(ct);
        logger.LogWarning("WebAuthn credential {Credential} of user {UserId} presented counter {Presented} after {Stored}: flagged as possibly cloned",
            credential.Id, credential.UserId, presented, credential.SignCount);
        audit.Record(AuditEventType.WebAuthnPossibleClone, actor, credential.UserId,
            details: FactorAuditDetails.Of(MethodOf(credential), FactorAuditDetails.CredentialId(credential.CredentialId), credential.Name,
                reason: $"sign count {presented} after {credential.SignCount}"));
        await db.SaveChangesAsync(ct);
        var notified = await notifications.SendAsync(FactorNoticeKind.PossibleClonedKey, credential.User, actor, MethodOf(credential), credential.Name, ct: ct);
        return new WebAuthnAssertionResult(WebAuthnOutcome.PossibleClone, null, credential, notified);
    }

    private async Task<WebAuthnAssertionResult> FailAsync(AuditEventType type, long? userId, WebAuthnCredential? credential, Actor actor, WebAuthnOutcome outcome, CancellationToken ct)
    {
        audit.Record(type, actor, userId, details: FactorAuditDetails.Of(
            credential is null ? "webauthn" : FactorAuditDetails.MethodName(MethodOf(credential)),
            credential is null ? null : FactorAuditDetails.CredentialId(credential.CredentialId),
            reason: outcome.ToString()));
        await db.SaveChangesAsync(ct);
        return new WebAuthnAssertionResult(outcome);
    }

    private async Task<List<WebAuthnCredential>> UsableCredentialsAsync(long userId, CancellationToken ct) =>
        await db.WebAuthnCredentials.AsNoTracking()
            .Where(c => c.UserId == userId && c.FlaggedAsPossibleCloneAt == null)
            .OrderBy(c => c.Id)
            .ToListAsync(ct);

    public static SecondFactorMethod MethodOf(WebAuthnCredential c) =>
        c.IsDiscoverable && c.UserVerifiedAtRegistration ? SecondFactorMethod.Passkey : SecondFactorMethod.SecurityKey;
}
