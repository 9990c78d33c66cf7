using Fido2NetLib.Exceptions;

namespace Bulwark.Core.Accounts.WebAuthn;

/// <summary>
/// Every way a WebAuthn ceremony can end. Library errors are mapped onto these; their text is logged,
/// never shown, because it can describe server configuration (the expected origins, for example).
/// </summary>
public enum WebAuthnOutcome
{
    Success = 1,
    ChallengeUnknown = 2,
    ChallengeExpired = 3,
    /// <summary>The response signed a different challenge than the one issued, or belongs to another ceremony.</summary>
    ChallengeMismatch = 4,
    Malformed = 5,
    /// <summary>The browser reported an origin not in the configured list: the classic phishing-proxy signal.</summary>
    OriginMismatch = 6,
    RpIdMismatch = 7,
    UserPresenceMissing = 8,
    UserVerificationMissing = 9,
    InvalidSignature = 10,
    UnknownCredential = 11,
    /// <summary>The credential is not the expected user's, or the user handle does not match its owner.</summary>
    WrongUser = 12,
    /// <summary>The signature counter did not go up: the credential was flagged and refused.</summary>
    PossibleClone = 13,
    /// <summary>The credential was flagged as possibly cloned earlier.</summary>
    CredentialDisabled = 14,
    DuplicateCredential = 15,
    AttestationRequired = 16,
    AuthenticatorNotAllowed = 17,
    NoCredentials = 18,
    Failed = 19,
}

internal static class WebAuthnOutcomes
{
    public static WebAuthnOutcome FromLibrary(Fido2ErrorCode code) => code switch
    {
        Fido2ErrorCode.InvalidAuthenticatorResponseOrigin or Fido2ErrorCode.MissingAuthenticatorResponseOrigin
            or Fido2ErrorCode.InvalidAuthenticatorResponseTopOrigin or Fido2ErrorCode.CrossOriginRequestNotAllowed => WebAuthnOutcome.OriginMismatch,
        Fido2ErrorCode.InvalidRpidHash => WebAuthnOutcome.RpIdMismatch,
        Fido2ErrorCode.InvalidAuthenticatorResponseChallenge or Fido2ErrorCode.MissingAuthenticatorResponseChallenge => WebAuthnOutcome.ChallengeMismatch,
        Fido2ErrorCode.UserPresentFlagNotSet => WebAuthnOutcome.UserPresenceMissing,
        Fido2ErrorCode.UserVerificationRequirementNotMet => WebAuthnOutcome.UserVerificationMissing,
        Fido2ErrorCode.InvalidSignature => WebAuthnOutcome.InvalidSignature,
        Fido2ErrorCode.InvalidSignCount => WebAuthnOutcome.PossibleClone,
        Fido2ErrorCode.NonUniqueCredentialId => WebAuthnOutcome.DuplicateCredential,
        Fido2ErrorCode.InvalidAttestation or Fido2ErrorCode.InvalidCertificateChain or Fido2ErrorCode.UndesiredMetadataStatus => WebAuthnOutcome.AuthenticatorNotAllowed,
        Fido2ErrorCode.UnimplementedAlgorithm or Fido2ErrorCode.CredentialAlgorithmRequirementNotMet => WebAuthnOutcome.AuthenticatorNotAllowed,
        _ => WebAuthnOutcome.Malformed,
    };

    /// <summary>Short, safe text for the user. Says what to do, never what the server expected.</summary>
    public static string Message(WebAuthnOutcome outcome) => outcome switch
    {
        WebAuthnOutcome.Success => "",
        WebAuthnOutcome.ChallengeUnknown or WebAuthnOutcome.ChallengeMismatch => "This request is no longer valid. Reload the page and try again.",
        WebAuthnOutcome.ChallengeExpired => "This request took too long and has expired. Try again.",
        WebAuthnOutcome.OriginMismatch or WebAuthnOutcome.RpIdMismatch =>
            "Your security key answered for a different site. Check that the address bar shows this site's real address, then try again.",
        WebAuthnOutcome.UserPresenceMissing => "Touch your security key when it blinks, then try again.",
        WebAuthnOutcome.UserVerificationMissing => "Your security key must verify you (with a PIN or fingerprint) for this. Try again and complete the verification.",
        WebAuthnOutcome.UnknownCredential or WebAuthnOutcome.WrongUser => "This security key or passkey is not registered to this account.",
        WebAuthnOutcome.PossibleClone or WebAuthnOutcome.CredentialDisabled =>
            "This security key has been disabled because it may have been copied. Sign in with another method and check your account's security settings.",
        WebAuthnOutcome.DuplicateCredential => "This security key or passkey is already registered.",
        WebAuthnOutcome.AttestationRequired or WebAuthnOutcome.AuthenticatorNotAllowed => "This kind of security key is not allowed on this index. Ask the administrators which keys are accepted.",
        WebAuthnOutcome.NoCredentials => "Your account has no security key or passkey.",
        _ => "The security key's answer could not be verified. Try again.",
    };
}

/// <summary>What the browser needs to start a ceremony: the options JSON for <c>navigator.credentials</c>,
/// and the id the web layer keeps in the session and passes back with the response.</summary>
public sealed record WebAuthnCeremonyStart(Guid ChallengeId, string OptionsJson, DateTimeOffset ExpiresAt);
