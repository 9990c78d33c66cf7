using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.EndToEnd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bulwark.EndToEnd.Tests.Browser;

/// <summary>
/// A new maintainer's first day, in Chromium against the live server: sign up, verify through the e-mail
/// the server wrote, make a project-scoped token, publish with twine, read the rendered README, bring in
/// a collaborator, yank a release and watch pip pass it over.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class MaintainerJourneyTests(EndToEndFixture e2e, ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Readme = """
        # Journey package

        Rendered from **Markdown** with a [link](https://example.org/docs).

        <script>document.title = 'owned'</script>

        | column | value |
        |--------|-------|
        | a      | 1     |
        """;

    [Fact]
    public async Task Sign_up_verify_publish_with_a_scoped_token_invite_a_collaborator_and_yank()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var username = $"maint{suffix}";
        var email = $"{username}@example.com";
        var project = $"journey-{suffix}";
        var page = await chromium.NewPageAsync(e2e.Server.BaseUri);

        // Sign up, then verify through the link in the mail the server actually wrote.
        await WebJourney.RegisterAsync(page, username, email);
        var mail = await PickupMailbox.WaitForAsync(e2e.Server.DataDirectory, email, "Verify your e-mail address");
        await WebJourney.VerifyAsync(page, mail.TextBody ?? "");
        await WebJourney.SignInAsync(page, username);
        // The index requires two-factor authentication for tokens, uploads and management (the default); the
        // enrolment pages are tested on their own, so the journey's account gets an authenticator directly.
        await SecondFactors.EnrolAsync(e2e.Server, username, securityKey: false);

        // A token limited to the project the first upload creates; twine publishes two versions with it.
        var token = await WebJourney.CreateProjectTokenAsync(page, project);
        await ScreenshotAsync(page, "token-created.png");
        var first = await e2e.Packages.BuildAsync(new PythonProject(project, "1.0.0") { Readme = Readme });
        var second = await e2e.Packages.BuildAsync(new PythonProject(project, "1.1.0") { Readme = Readme });
        foreach (var built in new[] { first, second })
        {
            var mark = e2e.Server.Requests.Mark();
            // Wheels only: Debian's setuptools names sdists the pre-PEP 625 way, which this server refuses by default.
            var upload = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, [built.Wheel]);
            Check.Succeeded(upload, e2e, mark, $"twine upload of {built.WheelName} with the UI-made token");
        }
        var elsewhere = await e2e.Packages.BuildAsync(new PythonProject($"other-{suffix}", "1.0.0"));
        var refused = await e2e.Publish.TwineUploadAsync(e2e.Server.UploadUrl, token, [elsewhere.Wheel]);
        Check.Failed(refused, e2e, 0, "an upload outside the token's scope");

        await page.GotoAsync("/account/tokens/");
        await Expect(page.Locator("#tokens .scope-project")).ToHaveTextAsync(project);
        await Expect(page.Locator("#tokens tbody tr").First).Not.ToContainTextAsync("Never", new() { Timeout = 5_000 });

        // The project page shows the README as HTML, without the script.
        await page.GotoAsync($"/project/{project}/");
        await Expect(page.Locator("h1").First).ToHaveTextAsync($"{project} 1.1.0");
        var readme = page.Locator("#description .readme");
        await Expect(readme.Locator("h1")).ToHaveTextAsync("Journey package");
        await Expect(readme.Locator("strong")).ToHaveTextAsync("Markdown");
        await Expect(readme.Locator("table td").First).ToHaveTextAsync("a");
        await Expect(readme.Locator("script")).ToHaveCountAsync(0);
        Assert.NotEqual("owned", await page.TitleAsync());
        await Expect(page.Locator("table.files tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("table.files .hash code")).ToHaveTextAsync(BuiltPackage.Sha256(second.Wheel));
        await ScreenshotAsync(page, "project-page.png");

        // A collaborator is invited, sees the invitation on their account page and accepts.
        var collaborator = await CreateVerifiedUserAsync($"helper{suffix}");
        await page.GotoAsync($"/manage/project/{project}/collaborators");
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(collaborator);
        await page.GetByLabel("Role").SelectOptionAsync("Maintainer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Expect(page.Locator(".flash")).ToContainTextAsync($"Invited {collaborator}");
        await PickupMailbox.WaitForAsync(e2e.Server.DataDirectory, $"{collaborator}@example.com", $"Invitation to join {project}");

        var helper = await chromium.NewPageAsync(e2e.Server.BaseUri);
        await WebJourney.SignInAsync(helper, collaborator);
        await helper.GotoAsync("/account/");
        await helper.GetByRole(AriaRole.Link, new() { Name = "Review invitations" }).ClickAsync();
        var row = helper.Locator($"#invitations tr[data-project='{project}']");
        await Expect(row).ToContainTextAsync(username);
        await row.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Expect(helper.Locator(".flash")).ToContainTextAsync($"You are now Maintainer of {project}");
        await helper.GotoAsync($"/project/{project}/");
        await Expect(helper.Locator(".maintainers")).ToContainTextAsync(collaborator);

        // The owner yanks 1.1.0; the button stays disabled until the project name is typed.
        await page.GotoAsync($"/manage/project/{project}/release/1.1.0/");
        await page.GetByLabel("Reason").FillAsync("broken on Windows");
        var yank = page.GetByRole(AriaRole.Button, new() { Name = "Yank release" });
        await Expect(yank).ToBeDisabledAsync();
        await page.Locator("#yank-form input[name=confirm]").FillAsync(project);
        await Expect(yank).ToBeEnabledAsync();
        await ScreenshotAsync(page, "manage-release.png");
        await yank.ClickAsync();
        await Expect(page.Locator(".flash")).ToContainTextAsync("pip now skips it");
        await page.GotoAsync($"/project/{project}/");
        await Expect(page.Locator("h1").First).ToHaveTextAsync($"{project} 1.0.0");
        await Expect(page.Locator(".release-history")).ToContainTextAsync("broken on Windows");

        var pip = await PipInstaller.CreateAsync(PipFlavour.DebianVenv, e2e.NewDirectory("journey"), e2e.Tools);
        var pipMark = e2e.Server.Requests.Mark();
        var install = await pip.InstallAsync(e2e.Server.IndexUrl, project);
        Check.Succeeded(install, e2e, pipMark, $"pip install {project}");
        Assert.Equal("1.0.0", (await pip.InstalledAsync())[project]);

        var events = await AuditTypesAsync(username);
        Assert.Contains(AuditEventType.TokenCreated, events);
        Assert.Contains(AuditEventType.ReleaseYanked, events);
        await PickupMailbox.WaitForAsync(e2e.Server.DataDirectory, email, $"{project} 1.1.0 was published");
    }

    private async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(chromium.ScreenshotDirectory, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 10_000, $"{name} should show a rendered page");
    }

    private async Task<string> CreateVerifiedUserAsync(string username)
    {
        await using var scope = e2e.Server.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<UserService>()
            .CreateAsync(username, $"{username}@example.com", WebJourney.Password, false, true, new Actor("e2e", "bulwark end-to-end tests"));
        Assert.True(created.Succeeded, created.Refusal?.Message);
        return username;
    }

    private async Task<List<AuditEventType>> AuditTypesAsync(string username)
    {
        await using var scope = e2e.Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Bulwark.Core.Data.BulwarkDbContext>();
        var user = (await scope.ServiceProvider.GetRequiredService<UserService>().FindByUsernameAsync(username))!;
        return db.AuditEvents.Where(e => e.UserId == user.Id || e.ActorUserId == user.Id).Select(e => e.Type).ToList();
    }
}
