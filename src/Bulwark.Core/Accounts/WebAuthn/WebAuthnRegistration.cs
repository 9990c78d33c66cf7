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

public sealed record WebAuthnRegistrationResult(WebAuthnOutcome Outcome, WebAuthnCredential? Credential = null, bool OwnerNotified = false)
{
    public bool Succeeded => Outcome == WebAuthnOutcome.Success;
    public string Message => WebAuthnOutcomes.Message(Outcome);
}

/// <summary>
/// Registers a security key or a passkey (WebAuthn §7.1). The web layer requires a fresh step-up before
/// <see cref="BeginAsync"/> and calls <see cref="CompleteAsync"/> with the browser's response.
/// </summary>
public sealed class WebAuthnRegistration(
    BulwarkDbContext db,
    WebAuthnRelyingParty relyingParty,
    WebAuthnChallengeStore challenges,
    AuditLog audit,
    FactorNotifications notifications,
    TimeProvider time,
    ILogger<WebAuthnRegistration> logger)
{
    public const int MaxNameLength = 64;

    /// <param name="passkey">Ask for a discoverable credential with user verification, usable without a password.</param>
    public async Task<WebAuthnCeremonyStart> BeginAsync(User user, bool passkey, CancellationToken ct = default)
    {
        if (user.WebAuthnUserHandle is null)
        {
            // Accounts created before handles existed get one now: random, never derived from the username.
            user.WebAuthnUserHandle = RandomNumberGenerator.GetBytes(64);
            await db.SaveChangesAsync(ct);
        }
        var uv = passkey ? UserVerificationPolicy.Required : relyingParty.Settings.UserVerification;
        var challenge = await challenges.IssueAsync(WebAuthnCeremony.Registration, user.Id, uv, passkey, ct);
        var options = relyingParty.RegistrationOptions(challenge.Challenge, user, passkey, uv, await ExistingIdsAsync(user.Id, ct));
        return new WebAuthnCeremonyStart(challenge.Id, options.ToJson(), challenge.ExpiresAt);
    }

    public async Task<WebAuthnRegistrationResult> CompleteAsync(User user, Guid challengeId, string responseJson, string? name, Actor actor, CancellationToken ct = default)
    {
        var (state, challenge) = await challenges.ConsumeAsync(challengeId, WebAuthnCeremony.Registration, user.Id, ct);
        if (challenge is null) return await FailAsync(user, actor, FromChallengeState(state), null, ct);

        var raw = WebAuthnResponses.ParseAttestation(responseJson);
        if (raw is null) return await FailAsync(user, actor, WebAuthnOutcome.Malformed, null, ct);

        var options = relyingParty.RegistrationOptions(challenge.Challenge, user, challenge.Discoverable, challenge.UserVerification, await ExistingIdsAsync(user.Id, ct));
        RegisteredPublicKeyCredential registered;
        bool userVerified;
        try
        {
            registered = await relyingParty.Fido2.MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = raw,
                OriginalOptions = options,
                // §7.1 step 22: refuse an id registered to ANY user, not only this one. A second account
                // holding the same credential id would make assertions ambiguous.
                IsCredentialIdUniqueToUserCallback = async (p, token) => !await db.WebAuthnCredentials.AnyAsync(c => c.CredentialId == p.CredentialId, token),
            }, ct);
            userVerified = AuthenticatorAttestationResponse.Parse(raw).AttestationObject.AuthData.UserVerified;
        }
        catch (Fido2VerificationException e)
        {
            logger.LogWarning("WebAuthn registration refused for user {UserId}: {Code} {Message}", user.Id, e.Code, e.Message);
            return await FailAsync(user, actor, WebAuthnOutcomes.FromLibrary(e.Code), e.Code.ToString(), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException and not DbUpdateException)
        {
            logger.LogWarning(e, "WebAuthn registration response from user {UserId} could not be processed", user.Id);
            return await FailAsync(user, actor, WebAuthnOutcome.Malformed, e.GetType().Name, ct);
        }

        if (PolicyRefusal(registered) is { } refusal)
        {
            logger.LogWarning("WebAuthn registration refused by policy for user {UserId}: {Outcome}, AAGUID {Aaguid}, attestation {Type}",
                user.Id, refusal, registered.AaGuid, registered.AttestationType);
            return await FailAsync(user, actor, refusal, registered.AaGuid.ToString(), ct);
        }

        var discoverable = raw.ClientExtensionResults?.CredProps?.Rk ?? challenge.Discoverable;
        var credential = new WebAuthnCredential
        {
            UserId = user.Id,
            CredentialId = registered.Id,
            PublicKey = registered.PublicKey,
            SignCount = registered.SignCount,
            Aaguid = registered.AaGuid,
            Transports = WebAuthnRelyingParty.FromLibrary(registered.Transports),
            IsDiscoverable = discoverable,
            UserVerifiedAtRegistration = userVerified,
            BackupEligible = registered.IsBackupEligible,
            BackedUp = registered.IsBackedUp,
            AttestationFormat = Truncate(registered.AttestationFormat ?? "none", 32),
            Name = CleanName(name, discoverable && userVerified),
            CreatedAt = time.GetUtcNow(),
        };
        var method = credential.IsDiscoverable && credential.UserVerifiedAtRegistration ? SecondFactorMethod.Passkey : SecondFactorMethod.SecurityKey;
        db.WebAuthnCredentials.Add(credential);
        audit.Record(AuditEventType.FactorAdded, actor, user.Id,
            details: FactorAuditDetails.Of(method, FactorAuditDetails.CredentialId(credential.CredentialId), credential.Name));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Lost a race with another registration of the same credential id: the unique index decided.
            db.ChangeTracker.Clear();
            return await FailAsync(user, actor, WebAuthnOutcome.DuplicateCredential, null, ct);
        }
        var notified = await notifications.SendAsync(FactorNoticeKind.FactorAdded, user, actor, method, credential.Name, ct: ct);
        return new WebAuthnRegistrationResult(WebAuthnOutcome.Success, credential, notified);
    }

    /// <summary>
    /// The operator's attestation policy. Without a FIDO metadata source the attestation certificate chain
    /// is checked for consistency but not anchored to a vendor root, so the AAGUID list keeps honest
    /// authenticators in line rather than stopping one built to lie.
    /// </summary>
    private WebAuthnOutcome? PolicyRefusal(RegisteredPublicKeyCredential registered)
    {
        var settings = relyingParty.Settings;
        if (settings.RequireAttestation && registered.AttestationType is null or "none" or "self")
        {
            return WebAuthnOutcome.AttestationRequired;
        }
        if (settings.AllowedAaguids.Count > 0 && !settings.AllowedAaguids.Contains(registered.AaGuid))
        {
            return WebAuthnOutcome.AuthenticatorNotAllowed;
        }
        return null;
    }

    private async Task<WebAuthnRegistrationResult> FailAsync(User user, Actor actor, WebAuthnOutcome outcome, string? reason, CancellationToken ct)
    {
        audit.Record(AuditEventType.WebAuthnRegistrationFailed, actor, user.Id,
            details: FactorAuditDetails.Of("webauthn", reason: reason is null ? outcome.ToString() : $"{outcome}: {reason}"));
        await db.SaveChangesAsync(ct);
        return new WebAuthnRegistrationResult(outcome);
    }

    private async Task<List<byte[]>> ExistingIdsAsync(long userId, CancellationToken ct) =>
        await db.WebAuthnCredentials.Where(c => c.UserId == userId).Select(c => c.CredentialId).ToListAsync(ct);

    internal static WebAuthnOutcome FromChallengeState(ChallengeState state) => state switch
    {
        ChallengeState.Expired => WebAuthnOutcome.ChallengeExpired,
        ChallengeState.Mismatch => WebAuthnOutcome.ChallengeMismatch,
        _ => WebAuthnOutcome.ChallengeUnknown,
    };

    internal static string CleanName(string? name, bool passkey)
    {
        var cleaned = new string((name ?? "").Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (cleaned.Length == 0) return passkey ? "Passkey" : "Security key";
        return Truncate(cleaned, MaxNameLength);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
