namespace Bulwark.Core.Policies;

/// <summary>The 2FA mandate keys of the <c>Bulwark:Policy</c> section.</summary>
public sealed class TwoFactorMandateOptions
{
    public const string Section = "Bulwark:Policy";

    /// <summary>
    /// No upload and no management action without two-factor authentication, and API tokens only for accounts
    /// that have it (PyPI's rule since 2024). Automation accounts are exempt: see <see cref="TwoFactorMandate"/>.
    /// </summary>
    public bool RequireTwoFactorForAll { get; set; } = true;

    /// <summary>
    /// Treats every critical project as "phishing-resistant only", whatever its owners chose. Off by default:
    /// an operator who turns it on asks every critical maintainer to own a security key or passkey.
    /// </summary>
    public bool PhishingResistantForCritical { get; set; }
}
