namespace Bulwark.Core.Accounts.WebAuthn;

/// <summary>The <c>Bulwark:WebAuthn</c> configuration section.</summary>
public sealed class WebAuthnOptions
{
    public const string Section = "Bulwark:WebAuthn";
    public static readonly TimeSpan MaxChallengeLifetime = TimeSpan.FromMinutes(5);

    /// <summary>The relying party id (a host name). Default: the host of <c>Bulwark:PublicUrl</c>.</summary>
    public string? RelyingPartyId { get; set; }

    /// <summary>Origins whose assertions are accepted. Default: the origin of <c>Bulwark:PublicUrl</c>.</summary>
    public List<string> Origins { get; set; } = [];

    public string RelyingPartyName { get; set; } = "Bulwark";

    /// <summary>User verification asked of security keys used as a second factor. Passkeys always require it.</summary>
    public UserVerificationPolicy UserVerification { get; set; } = UserVerificationPolicy.Preferred;

    /// <summary>Refuse authenticators that do not present an attestation statement (none or self).</summary>
    public bool RequireAttestation { get; set; }

    /// <summary>When not empty, only authenticators whose AAGUID is listed can be registered.</summary>
    public List<Guid> AllowedAaguids { get; set; } = [];

    /// <summary>How long a challenge can be answered; at most five minutes.</summary>
    public TimeSpan ChallengeLifetime { get; set; } = MaxChallengeLifetime;
}

/// <summary><see cref="WebAuthnOptions"/> with defaults filled in from the public URL, checked.</summary>
public sealed record WebAuthnSettings(
    string RelyingPartyId,
    string RelyingPartyName,
    IReadOnlySet<string> Origins,
    UserVerificationPolicy UserVerification,
    bool RequireAttestation,
    IReadOnlySet<Guid> AllowedAaguids,
    TimeSpan ChallengeLifetime)
{
    /// <summary>Fills in defaults from <paramref name="publicUrl"/> and throws with every problem found.</summary>
    public static WebAuthnSettings Resolve(WebAuthnOptions options, Uri publicUrl)
    {
        var rpId = string.IsNullOrWhiteSpace(options.RelyingPartyId) ? publicUrl.IdnHost : options.RelyingPartyId.Trim().ToLowerInvariant();
        var origins = options.Origins.Count > 0 ? options.Origins : [publicUrl.GetLeftPart(UriPartial.Authority)];
        var errors = new List<string>();
        var normalized = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (Uri.CheckHostName(rpId) is not (UriHostNameType.Dns or UriHostNameType.IPv4))
        {
            errors.Add($"Bulwark:WebAuthn:RelyingPartyId '{rpId}' is not a host name.");
        }
        foreach (var origin in origins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
            {
                errors.Add($"Bulwark:WebAuthn:Origins: '{origin}' is not an origin (scheme://host[:port]).");
                continue;
            }
            // Browsers only offer WebAuthn in secure contexts: https, or http on the loopback host.
            var loopback = uri.IsLoopback && uri.Scheme == Uri.UriSchemeHttp;
            if (uri.Scheme != Uri.UriSchemeHttps && !loopback)
            {
                errors.Add($"Bulwark:WebAuthn:Origins: '{origin}' must use https (plain http works only on localhost).");
            }
            // WebAuthn §5.1.3: the RP ID must equal the origin's host or be a registrable suffix of it.
            var host = uri.IdnHost.ToLowerInvariant();
            if (host != rpId && !host.EndsWith("." + rpId, StringComparison.Ordinal))
            {
                errors.Add($"Bulwark:WebAuthn:Origins: '{origin}' is not on the relying party id '{rpId}' or one of its subdomains.");
            }
            normalized.Add(uri.GetLeftPart(UriPartial.Authority));
        }
        if (options.ChallengeLifetime <= TimeSpan.Zero || options.ChallengeLifetime > WebAuthnOptions.MaxChallengeLifetime)
        {
            errors.Add("Bulwark:WebAuthn:ChallengeLifetime must be more than zero and at most 5 minutes.");
        }
        if (errors.Count > 0) throw new InvalidOperationException(string.Join(" ", errors));
        return new WebAuthnSettings(rpId, options.RelyingPartyName, normalized, options.UserVerification,
            options.RequireAttestation, options.AllowedAaguids.ToHashSet(), options.ChallengeLifetime);
    }
}
