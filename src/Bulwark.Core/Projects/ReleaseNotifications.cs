using Bulwark.Core.Accounts;
using Bulwark.Core.Data;
using Bulwark.Core.Email;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Projects;

/// <summary>
/// E-mails every collaborator of a project when a new release appears, so a release that nobody on the
/// team made (a stolen token) is noticed at once.
/// </summary>
public sealed class ReleaseNotifications(BulwarkDbContext db, IEmailSender mail, AccountLinks links, TimeProvider time)
{
    public async Task NewReleaseAsync(long projectId, string projectName, string normalizedName, string version, string publishedBy, CancellationToken ct = default)
    {
        var recipients = await db.ProjectRoles.AsNoTracking()
            .Where(r => r.ProjectId == projectId)
            .Select(r => new { r.User.Email, r.User.Username })
            .ToListAsync(ct);
        var now = time.GetUtcNow();
        foreach (var r in recipients)
        {
            await mail.SendAsync(ProjectEmails.ReleasePublished(r.Email, r.Username, projectName, version, publishedBy, links.Project(normalizedName), now), ct);
        }
    }
}
