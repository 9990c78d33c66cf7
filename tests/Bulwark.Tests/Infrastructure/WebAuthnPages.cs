using System.Net;
using System.Text.Json.Nodes;
using Bulwark.Tests.Shared.SecondFactors;

namespace Bulwark.Tests.Infrastructure;

/// <summary>
/// What webauthn.js does on the pages, done by a test: fetch a ceremony's options from the page handler,
/// and register a software authenticator on the security page. The authenticator signs real messages for
/// <see cref="Origin"/> (the test server's public URL).
/// </summary>
public static class WebAuthnPages
{
    public const string Origin = "http://localhost";
    public const string RpId = "localhost";

    public static string Csrf(HtmlPage page, string form) => page.Get($"{form} input[name=__csrf]").GetAttribute("value")!;

    /// <summary>Asks a page handler for WebAuthn options the way webauthn.js does.</summary>
    public static async Task<(string ChallengeId, string Options)> OptionsAsync(Browser browser, HtmlPage page, string form)
    {
        var url = page.Get(form).GetAttribute("data-webauthn-options")!;
        var response = await browser.PostRawAsync(url, [new("__csrf", Csrf(page, form))]);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"options from {url}: {(int)response.StatusCode} {body}");
        var json = JsonNode.Parse(body)!;
        return (json["challengeId"]!.GetValue<string>(), json["options"]!.GetValue<string>());
    }

    /// <summary>Registers a new security key or passkey from the (signed-in, recently authenticated) browser's security page.</summary>
    public static async Task<TestAuthenticator> AddKeyAsync(Browser browser, bool passkey, string name)
    {
        var page = await browser.GetAsync("/account/security");
        var form = passkey ? "#add-passkey-form" : "#add-key-form";
        var (challengeId, options) = await OptionsAsync(browser, page, form);
        var key = new TestAuthenticator();
        var attestation = key.Register(options, Origin, RpId, residentKey: passkey);
        var added = await browser.SubmitAsync(page, form, [new("ChallengeId", challengeId), new("Credential", attestation), new("KeyName", name)]);
        Assert.Equal(HttpStatusCode.OK, added.Status);
        Assert.Contains(name, added.Get("#key-list").TextContent);
        if (added.Find("#new-recovery-codes") is not null) await ConfirmCodesAsync(browser, added);
        return key;
    }

    /// <summary>Types one of the freshly shown recovery codes back; returns all eight.</summary>
    public static async Task<IReadOnlyList<string>> ConfirmCodesAsync(Browser browser, HtmlPage page)
    {
        var codes = page.All("#new-recovery-codes code").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(8, codes.Count);
        var confirmed = await browser.SubmitAsync(page, "#recovery-confirm-form", [new("Code", codes[3])]);
        Assert.Contains("Your recovery codes are saved", confirmed.Text);
        Assert.Null(confirmed.Find("#recovery-unconfirmed"));
        return codes;
    }

    /// <summary>Signs in with a passkey alone, from the login page of <paramref name="browser"/>; returns the page it lands on.</summary>
    public static async Task<HtmlPage> PasskeySignInAsync(Browser browser, TestAuthenticator key)
    {
        var login = await browser.GetAsync("/account/login");
        var (challengeId, options) = await OptionsAsync(browser, login, "#passkey-form");
        return await browser.SubmitAsync(login, "#passkey-form", [new("ChallengeId", challengeId), new("Credential", key.SignAssertion(options, Origin, RpId))]);
    }
}
