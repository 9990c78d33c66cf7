using System.Net;
using Bulwark.Core.Audit;
using Bulwark.Core.Packaging;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Web;

public abstract class CollaboratorPagesTests<TServer>(TServer server) : WebTestBase<TServer>(server) where TServer : BulwarkServer
{
    private async Task<(string Project, Core.Accounts.User Owner, Browser Browser)> OwnedProjectAsync()
    {
        var (owner, browser) = await SignedInUserAsync("own");
        var project = UniqueName("collab");
        await UploadAsync(owner.Username, new TestDistributions.Spec(project, "1.0"));
        return (project, owner, browser);
    }

    private Task<List<(string User, ProjectRoleKind Role)>> RolesAsync(string project) =>
        Server.WithDbAsync(async db => (await db.ProjectRoles.Where(r => r.Project.NormalizedName == project)
            .Select(r => new { r.User.Username, r.Role }).ToListAsync()).Select(r => (r.Username, r.Role)).ToList());

    private static async Task<HtmlPage> InviteAsync(Browser browser, string project, string username, string role = "Maintainer")
    {
        var page = await browser.GetAsync($"/manage/project/{project}/collaborators");
        return await browser.SubmitAsync(page, "#invite-form", [new("username", username), new("role", role)]);
    }

    [Fact]
    public async Task Owner_invites_a_user_who_accepts_on_the_account_page()
    {
        var (project, owner, ownerBrowser) = await OwnedProjectAsync();
        var (invitee, inviteeBrowser) = await SignedInUserAsync("inv");

        var invited = await InviteAsync(ownerBrowser, project, invitee.Username);
        Assert.Contains($"Invited {invitee.Username}", invited.Get(".flash").TextContent);
        Assert.Contains(invitee.Username, invited.Get("#pending-invitations").TextContent);
        Assert.Equal([(owner.Username, ProjectRoleKind.Owner)], await RolesAsync(project));
        var invitation = await PickupMail.WaitForAsync(Server, invitee.Email, $"Invitation to join {project}");
        Assert.Contains("/account/invitations", invitation.TextBody);

        var account = await inviteeBrowser.GetAsync("/account/");
        Assert.Contains("1 pending project invitation", account.Get("#invitation-notice").TextContent);
        var invitations = await inviteeBrowser.GetAsync("/account/invitations");
        var row = invitations.Get($"#invitations tr[data-project='{project}']");
        Assert.Contains("Maintainer", row.TextContent);
        Assert.Contains(owner.Username, row.TextContent);
        var accepted = await inviteeBrowser.SubmitAsync(invitations, $"#invitations tr[data-project='{project}'] .accept-form");
        Assert.Contains($"You are now Maintainer of {project}", accepted.Get(".flash").TextContent);
        Assert.Contains((invitee.Username, ProjectRoleKind.Maintainer), await RolesAsync(project));

        await PickupMail.WaitForAsync(Server, invitee.Email, $"{invitee.Username} was added to {project}");
        await PickupMail.WaitForAsync(Server, owner.Email, $"{invitee.Username} was added to {project}");
        var events = await AuditAsync(e => e.ProjectId is not null && e.Type is AuditEventType.RoleInvited or AuditEventType.RoleAdded);
        Assert.Contains(events, e => e.Type == AuditEventType.RoleInvited && e.Details!.Contains(invitee.Username) && e.ActorUserId == owner.Id);
        Assert.Contains(events, e => e.Type == AuditEventType.RoleAdded && e.UserId == invitee.Id);

        var publicPage = await NewBrowser().GetAsync($"/project/{project}/");
        Assert.Contains(invitee.Username, publicPage.Get(".maintainers").TextContent);
        // As a maintainer: the management pages open, but collaborator management is for owners.
        var asMaintainer = await inviteeBrowser.GetAsync($"/manage/project/{project}/collaborators");
        Assert.Equal(HttpStatusCode.OK, asMaintainer.Status);
        Assert.Null(asMaintainer.Find("#invite-form"));
    }

    [Fact]
    public async Task Invitations_can_be_declined_and_bad_invitations_are_refused()
    {
        var (project, owner, ownerBrowser) = await OwnedProjectAsync();
        var (invitee, inviteeBrowser) = await SignedInUserAsync("dec");
        var unverified = await CreateUserAsync("unv", verified: false);

        Assert.Contains("There is no user named", (await InviteAsync(ownerBrowser, project, "nobody-" + project)).Get(".flash-error").TextContent);
        Assert.Contains("has not verified", (await InviteAsync(ownerBrowser, project, unverified.Username)).Get(".flash-error").TextContent);
        Assert.Contains("already Owner", (await InviteAsync(ownerBrowser, project, owner.Username)).Get(".flash-error").TextContent);
        await InviteAsync(ownerBrowser, project, invitee.Username);
        Assert.Contains("already has an open invitation", (await InviteAsync(ownerBrowser, project, invitee.Username)).Get(".flash-error").TextContent);

        var invitations = await inviteeBrowser.GetAsync("/account/invitations");
        var declined = await inviteeBrowser.SubmitAsync(invitations, $"#invitations tr[data-project='{project}'] .decline-form");
        Assert.Contains("Declined", declined.Get(".flash").TextContent);
        Assert.Null(declined.Find("#invitations"));
        Assert.DoesNotContain(await RolesAsync(project), r => r.User == invitee.Username);
        Assert.Contains(await AuditAsync(e => e.UserId == invitee.Id), e => e.Type == AuditEventType.RoleInvitationDeclined);
    }

    [Fact]
    public async Task The_last_owner_can_neither_leave_nor_be_removed_but_others_can()
    {
        var (project, owner, ownerBrowser) = await OwnedProjectAsync();
        var leave = await ownerBrowser.GetAsync($"/manage/project/{project}/collaborators");
        var refused = await ownerBrowser.SubmitAsync(leave, "#leave-form", [new("confirm", project)]);
        Assert.Contains("last owner", refused.Get(".flash-error").TextContent);
        Assert.Equal([(owner.Username, ProjectRoleKind.Owner)], await RolesAsync(project));

        var (second, secondBrowser) = await SignedInUserAsync("sec");
        await InviteAsync(ownerBrowser, project, second.Username, "Owner");
        var invitations = await secondBrowser.GetAsync("/account/invitations");
        await secondBrowser.SubmitAsync(invitations, $"#invitations tr[data-project='{project}'] .accept-form");

        // Two owners: the first may remove the second (typing the project name to confirm)...
        var page = await ownerBrowser.GetAsync($"/manage/project/{project}/collaborators");
        var unconfirmed = await ownerBrowser.SubmitAsync(page, $"tr[data-username='{second.Username}'] .remove-form", [new("confirm", "wrong")]);
        Assert.Contains("Type the project name", unconfirmed.Get(".flash-error").TextContent);
        Assert.Equal(2, (await RolesAsync(project)).Count);
        var removed = await ownerBrowser.SubmitAsync(page, $"tr[data-username='{second.Username}'] .remove-form", [new("confirm", project)]);
        Assert.Contains($"Removed {second.Username}", removed.Get(".flash").TextContent);
        Assert.Equal([(owner.Username, ProjectRoleKind.Owner)], await RolesAsync(project));
        await PickupMail.WaitForAsync(Server, second.Email, $"{second.Username} was removed from {project}");
        Assert.Contains(await AuditAsync(e => e.UserId == second.Id), e => e.Type == AuditEventType.RoleRemoved && e.ActorUserId == owner.Id);

        // ...and the remover, now last owner again, still cannot leave.
        var again = await ownerBrowser.GetAsync($"/manage/project/{project}/collaborators");
        Assert.Contains("last owner", (await ownerBrowser.SubmitAsync(again, "#leave-form", [new("confirm", project)])).Get(".flash-error").TextContent);
        // A removed owner has no access any more.
        Assert.Equal(HttpStatusCode.Forbidden, (await secondBrowser.GetAsync($"/manage/project/{project}/")).Status);
    }

    [Fact]
    public async Task A_maintainer_can_leave()
    {
        var (project, _, ownerBrowser) = await OwnedProjectAsync();
        var (maintainer, browser) = await SignedInUserAsync("mnt");
        await InviteAsync(ownerBrowser, project, maintainer.Username);
        await browser.SubmitAsync(await browser.GetAsync("/account/invitations"), $"#invitations tr[data-project='{project}'] .accept-form");
        var page = await browser.GetAsync($"/manage/project/{project}/collaborators");
        var left = await browser.SubmitAsync(page, "#leave-form", [new("confirm", project)]);
        Assert.Contains("no longer a collaborator", left.Get(".flash").TextContent);
        Assert.DoesNotContain(await RolesAsync(project), r => r.User == maintainer.Username);
    }

    [Fact]
    public async Task Strangers_get_403_on_management_pages_and_unknown_projects_404()
    {
        var (project, _, _) = await OwnedProjectAsync();
        var (_, stranger) = await SignedInUserAsync("str");
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.GetAsync($"/manage/project/{project}/")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.GetAsync($"/manage/project/{project}/collaborators")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/manage/project/none-{project}/")).Status);
    }
}

public sealed class CollaboratorPagesTestsSqlite(SqliteServer server) : CollaboratorPagesTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class CollaboratorPagesTestsPostgres(PostgresServer server) : CollaboratorPagesTests<PostgresServer>(server), IClassFixture<PostgresServer>;
