using System.Globalization;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Email;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Core.Moderation;

/// <summary>What the responder does to the releases chosen in a compromise response.</summary>
public enum CompromiseAction
{
    /// <summary>Hidden from installers (reversible); the owners can be asked before anything is deleted.</summary>
    Quarantine,
    /// <summary>Left installable only by exact pin (PEP 592): for releases that may be genuine but doubtful.</summary>
    Yank,
    /// <summary>Deleted as malware; the filenames stay reserved.</summary>
    Remove,
}

/// <summary>One release named in a compromise response (<c>project==version</c> on the command line and the form).</summary>
public sealed record ReleaseRef(string Project, string Version)
{
    public override string ToString() => $"{Project}=={Version}";

    /// <summary>Reads <c>project==version</c>; null when the text is not of that shape.</summary>
    public static ReleaseRef? Parse(string? text)
    {
        var at = text?.IndexOf("==", StringComparison.Ordinal) ?? -1;
        if (text is null || at <= 0 || at + 2 >= text.Length) return null;
        return new ReleaseRef(text[..at].Trim(), text[(at + 2)..].Trim());
    }
}

/// <summary>The responder's one step: the window reviewed, the releases chosen from it, what to do to them and why.</summary>
public sealed record CompromiseRequest(DateTimeOffset Since, IReadOnlyList<ReleaseRef> Releases, CompromiseAction Action, string? Reason);

/// <summary>What a compromise response did.</summary>
public sealed record CompromiseResult(int TokensRevoked, int SessionsEnded, IReadOnlyList<ReleaseRef> Releases, IReadOnlyList<string> Projects, int CollaboratorsMailed)
{
    public string Describe(string username, CompromiseAction action) =>
        $"Responded for '{username}': {TokensRevoked} API token(s) revoked, {SessionsEnded} session(s) ended"
        + (Releases.Count == 0 ? "" : $"; {Verb(action)} {string.Join(", ", Releases)}")
        + (Projects.Count == 0 ? "." : $"; {CollaboratorsMailed} collaborator(s) of {string.Join(", ", Projects)} e-mailed.");

    public static string Verb(CompromiseAction action) => action switch
    {
        CompromiseAction.Quarantine => "quarantined",
        CompromiseAction.Yank => "yanked",
        _ => "removed",
    };
}

/// <summary>
/// The one confirmed step of the compromise-window review (<c>/admin/users/{name}/activity</c>, <c>user respond</c>):
/// every API token of the account is revoked and every session ended, the releases the responder chose from the
/// window are quarantined, yanked or removed, and every collaborator of the projects touched is e-mailed what was
/// done. It reuses the quarantine, yank and malware-removal use cases, so the index, the journal and the audit log
/// change exactly as they do when those are used alone.
/// <para>
/// Only releases the account uploaded (or otherwise touched) inside the window can be chosen: the step acts in the
/// account's name, and a typo in a form must not take down a release that has nothing to do with the compromise.
/// All targets are checked before anything changes. The tokens are revoked (not merely refused as a freeze does)
/// because the attacker may hold any of them; the owner makes new ones after restoration.
/// </para>
/// </summary>
public sealed class CompromiseResponse(
    BulwarkDbContext db,
    AccountActivity activity,
    ModerationTargets targets,
    ProjectQuarantine quarantine,
    ReleaseManagement releases,
    MalwareRemoval removal,
    SessionService sessions,
    AuditLog audit,
    IEmailSender mail,
    IOptions<ModerationOptions> options,
    TimeProvider time)
{
    public async Task<Outcome<CompromiseResult>> RespondAsync(User user, CompromiseRequest request, Actor actor, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(request.Action)) return Refusal.Invalid("Choose quarantine, yank or remove.", "action");
        if (ProjectQuarantine.CheckReason(request.Reason) is { } bad) return bad;
        var why = request.Reason!.Trim();

        // The releases the review lists: the only ones this step may act on.
        var listed = (await activity.SinceAsync(user, request.Since, ct))
            .Where(e => e.Project is not null && e.Version is not null)
            .Select(e => (Project: ProjectName.Normalize(e.Project!), e.Version))
            .ToHashSet();
        var byProject = new List<(ModerationTarget Target, List<string> Versions)>();
        foreach (var group in request.Releases.GroupBy(r => ProjectName.Normalize(r.Project)))
        {
            var versions = group.Select(r => r.Version).Distinct(StringComparer.Ordinal).ToList();
            if (!(await targets.FindAsync(group.First().Project, versions, ct)).TryGetValue(out var target, out var refusal)) return refusal;
            var outside = target.Releases.Where(r => !listed.Contains((target.Project.NormalizedName, r.Version))).Select(r => r.Version).ToList();
            if (outside.Count > 0)
            {
                return Refusal.Invalid($"'{user.Username}' did not touch {target.Project.Name} {string.Join(", ", outside)} since "
                    + $"{request.Since.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC; choose among the releases the review lists.", "releases");
            }
            byProject.Add((target, target.Versions.ToList()));
        }

        var now = time.GetUtcNow();
        var open = await db.ApiTokens.Where(t => t.UserId == user.Id && t.RevokedAt == null).ToListAsync(ct);
        foreach (var token in open) token.RevokedAt = now;
        await db.SaveChangesAsync(ct);
        var ended = await sessions.RevokeAllAsync(user.Id, SessionEndReason.RevokedByAdmin, actor, ct);

        var done = new List<ReleaseRef>();
        foreach (var (target, versions) in byProject)
        {
            var project = target.Project.Name;
            if (await ApplyAsync(project, target, versions, request.Action, why, actor, ct) is { } failed)
            {
                // What already happened stays done and audited; the refusal says where it stopped.
                Record(user, request, actor, done, open.Count, ended, why);
                await db.SaveChangesAsync(ct);
                return failed with { Message = $"{failed.Message} Tokens and sessions were ended" + (done.Count == 0 ? "." : $" and {string.Join(", ", done)} {CompromiseResult.Verb(request.Action)}.") };
            }
            done.AddRange(versions.Select(v => new ReleaseRef(project, v)));
        }
        Record(user, request, actor, done, open.Count, ended, why);
        await db.SaveChangesAsync(ct);

        var mailed = 0;
        foreach (var (target, versions) in byProject)
        {
            foreach (var (username, email) in await targets.MaintainersAsync(target.Project.Id, ct))
            {
                await mail.SendAsync(ModerationEmails.CompromiseResponded(email, username, target.Project.Name, user.Username, versions,
                    CompromiseResult.Verb(request.Action), why, options.Value.ContactText), ct);
                mailed++;
            }
        }
        return new CompromiseResult(open.Count, ended, done, byProject.Select(p => p.Target.Project.Name).ToList(), mailed);
    }

    private async Task<Refusal?> ApplyAsync(string project, ModerationTarget target, List<string> versions, CompromiseAction action, string why, Actor actor, CancellationToken ct)
    {
        switch (action)
        {
            case CompromiseAction.Quarantine:
                // Releases the automatic quarantine already took are left as they are; the rest join them.
                var pending = target.Releases.Where(r => r.Lifecycle != ReleaseLifecycle.Quarantined).Select(r => r.Version).ToList();
                if (pending.Count == 0) return null;
                var quarantined = await quarantine.QuarantineAsync(project, pending, why, actor, notifyMaintainers: false, ct: ct);
                return quarantined.Refusal;
            case CompromiseAction.Yank:
                foreach (var version in versions)
                {
                    var yanked = await releases.SetYankedAsync(project, version, true, why, actor, ct);
                    if (yanked.Refusal is { } refused) return refused;
                }
                return null;
            default:
                var removed = await removal.RemoveAsync(project, versions, why, freezeUploaders: false, actor, ct);
                return removed.Refusal;
        }
    }

    private void Record(User user, CompromiseRequest request, Actor actor, List<ReleaseRef> done, int tokens, int sessionsEnded, string why) =>
        audit.Record(AuditEventType.CompromiseResponse, actor, user.Id, details: new CompromiseResponseDetails(
            request.Since, request.Action.ToString().ToLowerInvariant(), done.Select(r => r.ToString()).ToList(), tokens, sessionsEnded, why));
}

/// <summary>Audit details of a compromise response: the window, the action, the releases acted on and how many tokens and sessions ended.</summary>
public sealed record CompromiseResponseDetails(DateTimeOffset Since, string Action, IReadOnlyList<string> Releases, int TokensRevoked, int SessionsEnded, string Reason) : IAuditDetails;
