using Microsoft.AspNetCore.Mvc;

namespace Bulwark.Pages;

/// <summary>
/// A page with a security-key or passkey form (sign-in, second step, step-up, device confirmation): the fields
/// webauthn.js posts back, and the local URL to continue to afterwards.
/// </summary>
public abstract class WebAuthnPageModel : BulwarkPageModel
{
    /// <summary>The ceremony the assertion answers (from the options call).</summary>
    [BindProperty]
    public Guid ChallengeId { get; set; }

    /// <summary>The assertion as JSON; cleared before the page renders again.</summary>
    [BindProperty]
    public string Credential { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }
}
