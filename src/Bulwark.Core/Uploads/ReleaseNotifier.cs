using Bulwark.Core.Accounts;
using Bulwark.Core.Data;
using Bulwark.Core.Email;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Uploads;

/// <summary>
/// Tells every maintainer of a project about a new release. A release nobody on the team expected is
/// the first visible sign of a stolen token or account, so everyone with a role hears of it, not only
/// the uploader.
/// </summary>
public sealed class ReleaseNotifier(BulwarkDbContext db, IEmailSender mail, AccountLinks links, TimeProvider time)
{
    public async Task<int> NotifyMaintainersAsync(long projectId, string version, string publishedBy, CancellationToken ct = default)
    {
        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == projectId, ct);
        var recipients = await db.ProjectRoles.AsNoTracking()
            .Where(r => r.ProjectId == projectId)
            .Select(r => new { r.User.Username, r.User.Email })
            .ToListAsync(ct);
        var now = time.GetUtcNow();
        foreach (var r in recipients)
        {
            await mail.SendAsync(ProjectEmails.ReleasePublished(r.Email, r.Username, project.Name, version, publishedBy, links.Project(project.NormalizedName), now), ct);
        }
        return recipients.Count;
    }
}
