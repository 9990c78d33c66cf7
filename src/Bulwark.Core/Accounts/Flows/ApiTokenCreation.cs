using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Email;
using Bulwark.Core.Packaging;
using Bulwark.Core.Policies;

using Bulwark.Core.Outcomes;

namespace Bulwark.Core.Accounts.Flows;

/// <summary>
/// Creates an API token from the web UI or API: checks the account may (verified e-mail, not frozen),
/// mints the token and e-mails the owner, since a token created by someone else is how packages get hijacked.
/// </summary>
public sealed class ApiTokenCreation(ApiTokenService apiTokens, IEmailSender mail, TimeProvider time, MandateEnforcement mandates)
{
    /// <summary>
    /// Callers require a fresh session ("sudo") first; see <see cref="Sessions.SessionService.IsFresh"/>.
    /// <paramref name="sessionPhishingResistant"/> is whether the session was signed in with a security key or
    /// passkey: the two-factor mandates need it for phishing-resistant-only projects, and it is recorded on the
    /// token so that uploads to such projects can tell how the token was obtained.
    /// </summary>
    public async Task<Outcome<CreatedToken>> CreateAsync(User user, string name, IReadOnlyCollection<string> projectScopes, DateTimeOffset? expiresAt, Actor actor, CancellationToken ct = default, bool sessionPhishingResistant = false)
    {
        var permission = AccountStanding.CanCreateTokens(user);
        if (!permission.Allowed) return Refusal.Forbidden(permission.Message!);
        var mandate = await mandates.CheckTokenCreationAsync(user, sessionPhishingResistant, projectScopes.Select(ProjectName.Normalize).Distinct().ToList(), ct);
        if (!mandate.Allowed)
        {
            await mandates.RecordRefusalAsync(mandate, MandateAction.CreateToken, user, actor, null, ct);
            return Refusal.Forbidden(mandate.Message!);
        }
        name = name.Trim();
        if (name.Length is 0 or > 100) return Refusal.Invalid(field: "name", message: "Give the token a name of 1 to 100 characters.");
        if (expiresAt is { } e && e <= time.GetUtcNow()) return Refusal.Invalid(field: "expiresAt", message: "The expiry must be in the future.");
        var created = await apiTokens.CreateAsync(user, name, projectScopes, expiresAt, actor with { UserId = user.Id }, ct, issuedPhishingResistant: sessionPhishingResistant);
        await mail.SendAsync(AccountEmails.ApiTokenCreated(user.Email, user.Username, name, created.Entity.ProjectScopes, created.Entity.ExpiresAt, created.Entity.CreatedAt, actor.IpAddress), ct);
        return created;
    }
}
