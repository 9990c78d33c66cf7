using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bulwark.EndToEnd.Tests.Browser;

/// <summary>What a person does in the web UI, step by step, through labels and buttons as they read on screen.</summary>
public static partial class WebJourney
{
    public const string Password = "harbour quiet pencil 58";

    public static async Task RegisterAsync(IPage page, string username, string email)
    {
        await page.GotoAsync("/account/register");
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(username);
        await page.GetByLabel("E-mail address").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.Locator("#registration-accepted")).ToContainTextAsync("We sent a message");
    }

    /// <summary>Opens the verification link of a mail body, as a click in a mail client would.</summary>
    public static async Task VerifyAsync(IPage page, string mailText)
    {
        var link = VerifyLink().Match(mailText);
        Assert.True(link.Success, $"no verification link in:\n{mailText}");
        await page.GotoAsync(link.Value);
        await Expect(page.Locator("#verify-result")).ToContainTextAsync("verified");
    }

    public static async Task SignInAsync(IPage page, string username)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(username);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.Locator(".account-nav")).ToContainTextAsync(username);
    }

    /// <summary>Creates a token limited to <paramref name="project"/> (a project about to be created) and returns it.</summary>
    public static async Task<string> CreateProjectTokenAsync(IPage page, string project)
    {
        await page.GotoAsync("/account/tokens/new");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync($"upload {project}");
        await page.GetByLabel("Only these projects").CheckAsync();
        await page.GetByLabel("A new project you are about to create").FillAsync(project);
        await page.GetByLabel("Expires").SelectOptionAsync("30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        var token = await page.Locator("#new-token").InputValueAsync();
        Assert.StartsWith("bulwark_", token);
        return token;
    }

    [GeneratedRegex(@"https?://\S+/account/verify-email\?token=[A-Za-z0-9_-]+")]
    private static partial Regex VerifyLink();
}
