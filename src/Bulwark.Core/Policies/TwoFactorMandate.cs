using System.Globalization;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.TwoFactor;

namespace Bulwark.Core.Policies;

/// <summary>What the actor is trying to do.</summary>
public enum MandateAction
{
    Upload,
    CreateToken,
    ManageProject,
    ApproveTrustedPublisher,
    Admin,
}

/// <summary>The rule behind a refusal or warning. Stored in audit details by name.</summary>
public enum MandateRule
{
    None,
    /// <summary>Maintainers of a critical project (past its grace period) need 2FA.</summary>
    CriticalProject,
    /// <summary><c>Bulwark:Policy:RequireTwoFactorForAll</c>.</summary>
    RequireTwoFactorForAll,
    /// <summary>The project accepts only phishing-resistant (WebAuthn/passkey) authentication.</summary>
    PhishingResistantOnly,
    /// <summary>Administrators need a WebAuthn/passkey session for the admin area.</summary>
    AdminPhishingResistant,
}

/// <summary>The account as the mandates see it.</summary>
public sealed record MandateSubject(string Username, bool IsAutomation, bool IsAdmin, TwoFactorStatus Factors)
{
    public static MandateSubject Of(User user, TwoFactorStatus factors) => new(user.Username, user.IsAutomation, user.IsAdmin, factors);
}

/// <summary>A project the action touches, with its critical stage and whether it is phishing-resistant only.</summary>
public sealed record MandateProject(string Name, CriticalProjectStatus Critical, bool PhishingResistantOnly);

/// <summary>
/// How the actor authenticated. A web action has a session; an upload has a token (and no session), for
/// which <see cref="TokenIssuedPhishingResistant"/> says whether the token was minted through a channel a
/// phishing site cannot relay (a WebAuthn session, or an operator on the server).
/// </summary>
public sealed record MandateCredential(bool? SessionPhishingResistant, bool? TokenIssuedPhishingResistant)
{
    public static MandateCredential Session(bool phishingResistant) => new(phishingResistant, null);
    public static MandateCredential Token(bool issuedPhishingResistant) => new(null, issuedPhishingResistant);
}

/// <summary>
/// The outcome: allowed or not, the rule that decided, a message that names the rule and says how to comply
/// (for a critical project, also the deadline), and warnings for rules in their grace period.
/// </summary>
public sealed record MandateDecision(bool Allowed, MandateRule Rule, string? Message, IReadOnlyList<string> Warnings)
{
    public static MandateDecision Allow(IReadOnlyList<string>? warnings = null) => new(true, MandateRule.None, null, warnings ?? []);
    public static MandateDecision Refuse(MandateRule rule, string message) => new(false, rule, message, []);
}

/// <summary>
/// The two-factor mandates, as pure decisions over (account, projects, credential, action). The rules:
/// <list type="number">
/// <item>Critical project past its grace period: its maintainers need 2FA to upload (also through any token,
/// checked at upload time, because a token minted before the project became critical must not keep
/// working), to create tokens for it and to manage it. During the grace period the same actions are
/// allowed, with a warning.</item>
/// <item><c>RequireTwoFactorForAll</c>: no upload, token creation or management without 2FA.</item>
/// <item>Phishing-resistant-only project: managing it, creating tokens for it and approving its trusted
/// publishers need a WebAuthn/passkey session; uploads need a token minted in such a session (or by an
/// operator), recorded on the token when it is created.</item>
/// <item>Administrators need a WebAuthn/passkey session for the admin area.</item>
/// </list>
/// Automation accounts (no password, created by the operator's <c>user add</c> without <c>--password-stdin</c>)
/// are exempt from the rules that ask for 2FA: 2FA exists so that a phished password alone cannot take over
/// an account, and these accounts have no password and cannot sign in on the web; their tokens are minted
/// only by an operator with access to the server, so there is nothing a phishing page could capture or
/// relay. For the same reason their tokens count as phishing-resistant issuance.
/// "Has 2FA" means <see cref="TwoFactorStatus.IsComplete"/>: a usable factor and confirmed recovery codes,
/// so an account cannot satisfy a mandate with a factor whose loss would lock its owner out for good.
/// </summary>
public static class TwoFactorMandate
{
    /// <summary>Where users add a factor; every refusal links here.</summary>
    public const string AccountSecurityPath = "/account/security";

    public static MandateDecision Decide(
        MandateAction action,
        MandateSubject who,
        IReadOnlyList<MandateProject> projects,
        MandateCredential credential,
        TwoFactorMandateOptions options,
        Uri securityPage)
    {
        var link = securityPage.AbsoluteUri;

        if (action == MandateAction.Admin)
        {
            // The admin area can freeze accounts and remove projects: a relayed TOTP code must not be enough.
            if (credential.SessionPhishingResistant == true) return MandateDecision.Allow();
            return MandateDecision.Refuse(MandateRule.AdminPhishingResistant,
                "Administrator accounts need a session signed in with a security key or passkey for the admin area " +
                "(rule: administrators use phishing-resistant authentication). A password, an authenticator-app code or " +
                "a recovery code can be relayed by a fake sign-in page; a security key signs only for this site. " +
                $"Add a security key or passkey at {link}, then sign out and sign in with it.");
        }

        var warnings = new List<string>();
        var hasTwoFactor = who.Factors.IsComplete;
        var verb = Verb(action);

        if (!who.IsAutomation && !hasTwoFactor)
        {
            // Critical first: it is the more specific rule, and its message carries the deadline.
            foreach (var p in projects.Where(p => p.Critical.IsCritical).OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                if (p.Critical.IsEnforced)
                {
                    return MandateDecision.Refuse(MandateRule.CriticalProject,
                        $"'{p.Name}' is a critical project and its maintainers must use two-factor authentication " +
                        $"(rule: critical projects, enforced since {Utc(p.Critical.EnforceAfter ?? p.Critical.CriticalSince!.Value)}). " +
                        $"User '{who.Username}' has {Missing(who.Factors)}, so {verb} is refused. " +
                        $"Add a security key or passkey (preferred) or an authenticator app at {link}, then try again.");
                }
                warnings.Add(
                    $"'{p.Name}' is a critical project: from {Utc(p.Critical.EnforceAfter!.Value)} its maintainers need two-factor " +
                    $"authentication to upload, create tokens and manage it. Add a factor before then at {link}.");
            }
            if (options.RequireTwoFactorForAll)
            {
                return MandateDecision.Refuse(MandateRule.RequireTwoFactorForAll,
                    $"User '{who.Username}' has {Missing(who.Factors)}; this index requires two-factor authentication " +
                    $"for {verb} (rule: two-factor authentication required for all users). " +
                    $"Add a security key or passkey (preferred) or an authenticator app at {link}, then try again.");
            }
        }

        if (action is MandateAction.ManageProject or MandateAction.CreateToken or MandateAction.ApproveTrustedPublisher or MandateAction.Upload)
        {
            foreach (var p in projects.Where(p => IsPhishingResistantOnly(p, options)).OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                if (action == MandateAction.Upload)
                {
                    // The upload itself carries no session to inspect; what matters is how the token was
                    // obtained. A token minted in a TOTP session could have been minted by a phishing proxy
                    // that relayed the code, so it must not publish to a project that opted out of that risk.
                    if (who.IsAutomation || credential.TokenIssuedPhishingResistant == true) continue;
                    return MandateDecision.Refuse(MandateRule.PhishingResistantOnly,
                        $"'{p.Name}' accepts only phishing-resistant authentication (rule: phishing-resistant only), and this " +
                        "API token was not created in a session signed in with a security key or passkey. Codes from an " +
                        "authenticator app can be relayed by a fake sign-in page, and so could the token made with them. " +
                        $"Sign in with a security key or passkey (add one at {link}) and create a new token.");
                }
                if (credential.SessionPhishingResistant == true) continue;
                var method = who.Factors.HasPhishingResistantFactor
                    ? "Sign out and sign in again with your security key or passkey."
                    : $"Add a security key or passkey at {link}, then sign out and sign in with it.";
                return MandateDecision.Refuse(MandateRule.PhishingResistantOnly,
                    $"'{p.Name}' accepts only phishing-resistant authentication (rule: phishing-resistant only): {verb} " +
                    "needs a session signed in with a security key or passkey. This session was not: a password or an " +
                    "authenticator-app code can be relayed in real time by a fake sign-in page, a security key signs " +
                    $"only for this site. {method}");
            }
        }
        return MandateDecision.Allow(warnings);
    }

    /// <summary>The project's own switch, or the operator's default for critical projects.</summary>
    public static bool IsPhishingResistantOnly(MandateProject project, TwoFactorMandateOptions options) =>
        project.PhishingResistantOnly || (options.PhishingResistantForCritical && project.Critical.IsCritical);

    /// <summary>
    /// Whether any rule makes this user keep a factor (the factor-removal page asks before the last one
    /// goes). Critical maintainers keep theirs from the moment the project is marked; under
    /// <c>RequireTwoFactorForAll</c> every account that can sign in does.
    /// </summary>
    public static bool RequiresFactor(MandateSubject who, IReadOnlyList<MandateProject> projects, TwoFactorMandateOptions options) =>
        !who.IsAutomation && (options.RequireTwoFactorForAll || projects.Any(p => p.Critical.IsCritical) || who.IsAdmin);

    private static string Verb(MandateAction action) => action switch
    {
        MandateAction.Upload => "uploading",
        MandateAction.CreateToken => "creating an API token",
        MandateAction.ManageProject => "managing the project",
        MandateAction.ApproveTrustedPublisher => "approving a trusted publisher",
        _ => "this action",
    };

    private static string Missing(TwoFactorStatus factors) => factors.HasAnyFactor
        ? "a second factor but has not confirmed saving their recovery codes (two-factor set-up is not complete)"
        : "no second factor (two-factor authentication is not enabled)";

    internal static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
