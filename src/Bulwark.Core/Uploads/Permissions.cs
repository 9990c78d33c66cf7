using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;

namespace Bulwark.Core.Uploads;

/// <summary>Who may upload to a project: null when the upload may go on, else a <see cref="RefusalKind.Forbidden"/> refusal.</summary>
public static class Permissions
{
    /// <summary>
    /// A token's project scope is checked before the user's role: a scoped token must never be usable
    /// outside its projects, including to create a new project, whatever rights its owner has.
    /// </summary>
    public static Refusal? Check(UploadIdentity who, Project? project, string requestedName, ProjectRoleKind? role, TrustedPublishing.PublisherGrant? publisher = null)
    {
        var normalized = ProjectName.Normalize(requestedName);
        if (!who.Token.IsUserWide && !who.Token.ProjectScopes.Contains(normalized))
        {
            return Refusal.Forbidden($"Invalid API Token: project-scoped token is not valid for project: '{project?.Name ?? requestedName}'");
        }
        if (publisher is not null)
        {
            // A Trusted Publishing token takes the place of a role only where the project trusts its publisher now,
            // and never creates a project: a pending publisher's project exists (with a human owner) before any upload.
            return project is not null && publisher.ProjectIds.Contains(project.Id) ? null : Refusal.Forbidden(
                $"The trusted publisher ({publisher.Description}) is not registered for project '{project?.Name ?? requestedName}'.");
        }
        if (project is not null && role is null)
        {
            return Refusal.Forbidden($"The user '{who.User.Username}' isn't allowed to upload to project '{project.Name}'.");
        }
        return null;
    }
}
