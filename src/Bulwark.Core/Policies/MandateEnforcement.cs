using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Core.Policies;

/// <summary>
/// Loads what <see cref="TwoFactorMandate.Decide"/> needs (the account's factors, the projects' critical stage
/// and phishing-resistant flag) for each place a mandate applies, and audits refusals.
/// </summary>
public sealed class MandateEnforcement(
    BulwarkDbContext db,
    TwoFactorStatusQuery factors,
    CriticalProjectPolicy critical,
    IOptions<TwoFactorMandateOptions> options,
    AccountLinks links,
    AuditLog audit)
{
    public TwoFactorMandateOptions Options => options.Value;

    public Uri SecurityPage => new(links.SignIn(), TwoFactorMandate.AccountSecurityPath);

    /// <summary>
    /// At upload time, for every upload: the token may predate the project becoming critical or the owners
    /// switching on phishing-resistant only, so checking only when the token was made would leave it working.
    /// <paramref name="project"/> is null when the upload creates the project.
    /// </summary>
    public async Task<MandateDecision> CheckUploadAsync(User user, ApiToken token, Project? project, CancellationToken ct = default)
    {
        var projects = project is null ? [] : new[] { Describe(project) };
        return await DecideAsync(MandateAction.Upload, user, projects, MandateCredential.Token(token.IssuedPhishingResistant), ct);
    }

    /// <summary>
    /// Token creation on the web. A project-scoped token is checked against its projects; a user-wide token can
    /// upload to every project of the user, so it is checked against all of them.
    /// </summary>
    public async Task<MandateDecision> CheckTokenCreationAsync(User user, bool sessionPhishingResistant, IReadOnlyCollection<string> normalizedScopes, CancellationToken ct = default)
    {
        var query = db.Projects.AsNoTracking();
        query = normalizedScopes.Count == 0
            ? query.Where(p => p.Roles.Any(r => r.UserId == user.Id))
            : query.Where(p => normalizedScopes.Contains(p.NormalizedName));
        var rows = await query.Where(p => p.CriticalSince != null || p.RequirePhishingResistant).ToListAsync(ct);
        return await DecideAsync(MandateAction.CreateToken, user, rows.Select(Describe).ToList(), MandateCredential.Session(sessionPhishingResistant), ct);
    }

    /// <summary>Managing a project (every page under /manage/project/NAME/) or approving its trusted publishers.</summary>
    public Task<MandateDecision> CheckProjectAsync(MandateAction action, User user, bool sessionPhishingResistant, Project project, CancellationToken ct = default) =>
        DecideAsync(action, user, [Describe(project)], MandateCredential.Session(sessionPhishingResistant), ct);

    /// <summary>
    /// Registering a pending publisher: its project does not exist yet, so only the account-wide rules apply (the
    /// project's own rules apply to every later change of its publishers).
    /// </summary>
    public Task<MandateDecision> CheckPendingPublisherAsync(User user, bool sessionPhishingResistant, CancellationToken ct = default) =>
        DecideAsync(MandateAction.ApproveTrustedPublisher, user, [], MandateCredential.Session(sessionPhishingResistant), ct);

    /// <summary>The admin area. Needs no database: only the session's authentication method counts.</summary>
    public MandateDecision CheckAdmin(User user, bool sessionPhishingResistant) =>
        TwoFactorMandate.Decide(MandateAction.Admin, MandateSubject.Of(user, TwoFactorStatus.None), [], MandateCredential.Session(sessionPhishingResistant), Options, SecurityPage);

    /// <summary>Whether any rule makes <paramref name="user"/> keep at least one factor.</summary>
    public async Task<bool> RequiresFactorAsync(User user, CancellationToken ct = default)
    {
        if (user.IsAutomation) return false;
        var projects = (await critical.ForUserAsync(user.Id, ct))
            .Select(s => new MandateProject(s.ProjectName, s, false)).ToList();
        return TwoFactorMandate.RequiresFactor(MandateSubject.Of(user, TwoFactorStatus.None), projects, Options);
    }

    /// <summary>Records a refusal (the rule and the message), so operators can see who is blocked by what.</summary>
    public async Task RecordRefusalAsync(MandateDecision decision, MandateAction action, User user, Actor actor, Project? project, CancellationToken ct = default)
    {
        audit.Record(AuditEventType.MandateRefused, actor with { UserId = actor.UserId ?? user.Id }, user.Id, project?.Id,
            new MandateRefusedDetails(decision.Rule.ToString(), action.ToString(), project?.Name, decision.Message));
        await db.SaveChangesAsync(ct);
    }

    public MandateProject Describe(Project project) =>
        new(project.Name, critical.Evaluate(project), project.RequirePhishingResistant);

    private async Task<MandateDecision> DecideAsync(MandateAction action, User user, IReadOnlyList<MandateProject> projects, MandateCredential credential, CancellationToken ct)
    {
        // Automation accounts have no factors to read; everyone else is read fresh, so a factor added a
        // moment ago counts on the next try.
        var status = user.IsAutomation ? TwoFactorStatus.None : await factors.GetAsync(user.Id, ct);
        return TwoFactorMandate.Decide(action, MandateSubject.Of(user, status), projects, credential, Options, SecurityPage);
    }
}

/// <summary>
/// <see cref="ITwoFactorRequirement"/> for every mandate: critical maintainers (from the moment the project is
/// marked, grace period or not: the grace period delays refusals, it does not license removing protection
/// already there), everyone who can sign in under <c>RequireTwoFactorForAll</c>, and administrators (the
/// admin area needs a security key or passkey).
/// </summary>
public sealed class MandateTwoFactorRequirement(MandateEnforcement mandates) : ITwoFactorRequirement
{
    public Task<bool> RequiresFactorAsync(User user, CancellationToken ct = default) => mandates.RequiresFactorAsync(user, ct);
}
