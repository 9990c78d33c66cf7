using Fido2NetLib;
using Fido2NetLib.Objects;

namespace Bulwark.Core.Accounts.WebAuthn;

/// <summary>
/// The relying party: Fido2NetLib configured from <see cref="WebAuthnSettings"/>, and the one place that
/// builds ceremony options, so the options a response is checked against are rebuilt exactly as they were
/// sent, from the typed challenge row.
/// </summary>
public sealed class WebAuthnRelyingParty
{
    /// <summary>256-bit challenges; the spec asks for at least 128.</summary>
    public const int ChallengeBytes = 32;

    // ES256 first (every security key), then EdDSA and RS256 (Windows Hello).
    private static readonly IReadOnlyList<PubKeyCredParam> Algorithms = [PubKeyCredParam.ES256, PubKeyCredParam.Ed25519, PubKeyCredParam.RS256];

    public WebAuthnRelyingParty(WebAuthnSettings settings)
    {
        Settings = settings;
        Configuration = new Fido2Configuration
        {
            RPID = settings.RelyingPartyId,
            RPName = settings.RelyingPartyName,
            Origins = new HashSet<string>(settings.Origins),
            Timeout = (uint)settings.ChallengeLifetime.TotalMilliseconds,
            ChallengeSize = ChallengeBytes,
            // Cross-origin iframes are never a legitimate way to sign in here.
            AllowCrossOriginRequests = false,
        };
        Fido2 = new Fido2(Configuration);
    }

    public WebAuthnSettings Settings { get; }
    internal Fido2Configuration Configuration { get; }
    internal IFido2 Fido2 { get; }

    internal CredentialCreateOptions RegistrationOptions(byte[] challenge, User user, bool discoverable, UserVerificationPolicy userVerification, IEnumerable<byte[]> exclude)
    {
        var selection = new AuthenticatorSelection
        {
            ResidentKey = discoverable ? ResidentKeyRequirement.Required : ResidentKeyRequirement.Discouraged,
            UserVerification = ToLibrary(userVerification),
        };
        var fidoUser = new Fido2User { Id = user.WebAuthnUserHandle!, Name = user.Username, DisplayName = user.Username };
        var attestation = Settings.RequireAttestation ? AttestationConveyancePreference.Direct : AttestationConveyancePreference.None;
        var excluded = exclude.Select(id => new PublicKeyCredentialDescriptor(id)).ToList();
        var extensions = new AuthenticationExtensionsClientInputs { CredProps = true };
        return CredentialCreateOptions.Create(Configuration, challenge, fidoUser, selection, attestation, excluded, extensions, Algorithms);
    }

    internal AssertionOptions AssertionOptions(byte[] challenge, IEnumerable<WebAuthnCredential> allowed, UserVerificationPolicy userVerification)
    {
        var descriptors = allowed.Select(c => new PublicKeyCredentialDescriptor(PublicKeyCredentialType.PublicKey, c.CredentialId, ToLibrary(c.Transports))).ToList();
        return Fido2NetLib.AssertionOptions.Create(Configuration, challenge, descriptors, ToLibrary(userVerification), null);
    }

    internal static UserVerificationRequirement ToLibrary(UserVerificationPolicy policy) => policy switch
    {
        UserVerificationPolicy.Required => UserVerificationRequirement.Required,
        UserVerificationPolicy.Discouraged => UserVerificationRequirement.Discouraged,
        _ => UserVerificationRequirement.Preferred,
    };

    internal static AuthenticatorTransport[]? ToLibrary(WebAuthnTransports transports)
    {
        if (transports == WebAuthnTransports.None) return null;
        var list = new List<AuthenticatorTransport>();
        foreach (var (flag, value) in TransportMap) if (transports.HasFlag(flag)) list.Add(value);
        return [.. list];
    }

    internal static WebAuthnTransports FromLibrary(IEnumerable<AuthenticatorTransport>? transports)
    {
        var result = WebAuthnTransports.None;
        foreach (var t in transports ?? []) foreach (var (flag, value) in TransportMap) if (value == t) result |= flag;
        return result;
    }

    private static readonly (WebAuthnTransports, AuthenticatorTransport)[] TransportMap =
    [
        (WebAuthnTransports.Usb, AuthenticatorTransport.Usb),
        (WebAuthnTransports.Nfc, AuthenticatorTransport.Nfc),
        (WebAuthnTransports.Ble, AuthenticatorTransport.Ble),
        (WebAuthnTransports.SmartCard, AuthenticatorTransport.SmartCard),
        (WebAuthnTransports.Hybrid, AuthenticatorTransport.Hybrid),
        (WebAuthnTransports.Internal, AuthenticatorTransport.Internal),
    ];
}
