using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bulwark.Tests.Shared.SecondFactors;
using Bulwark.Tests.Shared.Throttling;

namespace Bulwark.Bench.SignInFlood;

/// <summary>One real sign-in made during the run, and how it went.</summary>
public sealed record SignInRecord(string Who, double AtSeconds, bool SignedIn, double Ms, string Detail, int? ProofBits = null, double? SolveMs = null);

/// <summary>The accounts that must keep signing in during the flood, set up beforehand through the web pages.</summary>
public sealed partial class Accounts(Uri baseUrl, string origin, string rpId, string password)
{
    private long _lastTotpStep;

    public PageClient NewBrowser(string address) => new(baseUrl, address);

    /// <summary>Signs in with the password (no second factor yet); the browser holds the session.</summary>
    public async Task<PageClient> SignInAsync(string username, string address)
    {
        var browser = NewBrowser(address);
        var (_, login, _) = await browser.GetAsync("/account/login");
        var (status, body, location) = await browser.SubmitAsync(login, "login-form", ("Username", username), ("Password", password));
        if (status != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in of {username} answered {(int)status}: {Excerpt(body)}");
        _ = location;
        return browser;
    }

    /// <summary>A passkey on the account, registered on its security page (and the recovery codes confirmed).</summary>
    public async Task<TestAuthenticator> SetUpPasskeyAsync(string username, string address)
    {
        using var browser = await SignInAsync(username, address);
        var (_, page, _) = await browser.GetAsync("/account/security");
        var optionsUrl = PageClient.Attribute(page, "add-passkey-form", "data-webauthn-options");
        var (_, json, _) = await browser.PostAsync(optionsUrl, [new("__csrf", Csrf(page))]);
        var ceremony = JsonNode.Parse(json)!;
        var key = new TestAuthenticator();
        var attestation = key.Register(ceremony["options"]!.GetValue<string>(), origin, rpId, residentKey: true);
        var added = await browser.SubmitAsync(page, "add-passkey-form",
            ("ChallengeId", ceremony["challengeId"]!.GetValue<string>()), ("Credential", attestation), ("KeyName", "bench passkey"));
        await ConfirmCodesAsync(browser, added.Body, "passkey");
        await SignOutAsync(browser);
        return key;
    }

    /// <summary>
    /// An authenticator app enrolled from <paramref name="browser"/>, which makes it a browser the account
    /// knows (a factor added there). Returns the app's secret.
    /// </summary>
    public async Task<byte[]> SetUpKnownBrowserAsync(string username, PageClient browser)
    {
        var (_, login, _) = await browser.GetAsync("/account/login");
        var signedIn = await browser.SubmitAsync(login, "login-form", ("Username", username), ("Password", password));
        if (signedIn.Status != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in of {username}: {(int)signedIn.Status}");
        var (_, page, _) = await browser.GetAsync("/account/security");
        var setup = await browser.SubmitAsync(page, "totp-begin-form");
        var secret = Base32(PageClient.Text(setup.Body, "totp-secret"));
        var confirmed = await browser.SubmitAsync(setup.Body, "totp-confirm-form", ("Code", TotpCode(secret, Step())));
        _lastTotpStep = Step();
        await ConfirmCodesAsync(browser, confirmed.Body, "authenticator app");
        await SignOutAsync(browser);
        return secret;
    }

    /// <summary>Username-less passkey sign-in from a new browser.</summary>
    public async Task<SignInRecord> PasskeySignInAsync(TestAuthenticator key, string username, string address, double at)
    {
        using var browser = NewBrowser(address);
        var (record, ms) = await PageClient.TimedAsync(async () =>
        {
            var (_, login, _) = await browser.GetAsync("/account/login");
            var (status, json, _) = await browser.PostAsync(PageClient.Attribute(login, "passkey-form", "data-webauthn-options"), [new("__csrf", Csrf(login))]);
            if (status != HttpStatusCode.OK) return (false, $"options answered {(int)status}");
            var ceremony = JsonNode.Parse(json)!;
            var assertion = key.SignAssertion(ceremony["options"]!.GetValue<string>(), origin, rpId);
            var done = await browser.SubmitAsync(login, "passkey-form", ("ChallengeId", ceremony["challengeId"]!.GetValue<string>()), ("Credential", assertion));
            if (done.Status != HttpStatusCode.Redirect) return (false, $"passkey sign-in answered {(int)done.Status}: {Excerpt(done.Body)}");
            return await IsSignedInAsync(browser, username) ? (true, "signed in") : (false, "no session after the redirect");
        });
        return new SignInRecord("passkey user", at, record.Item1, ms, record.Item2);
    }

    /// <summary>Password and authenticator code from the browser the account knows: expected without any puzzle or e-mail.</summary>
    public async Task<SignInRecord> KnownBrowserSignInAsync(PageClient browser, string username, byte[] secret, double at)
    {
        // Each time step's code is accepted once; wait for a fresh step if the last one was used.
        while (Step() <= _lastTotpStep) await Task.Delay(500);
        var (record, ms) = await PageClient.TimedAsync(async () =>
        {
            var (_, login, _) = await browser.GetAsync("/account/login");
            var first = await browser.SubmitAsync(login, "login-form", ("Username", username), ("Password", password));
            if (first.Status != HttpStatusCode.Redirect)
            {
                var asked = first.Body.Contains("data-proof-token=", StringComparison.Ordinal) ? " (asked for a proof of work)" : "";
                return (false, $"password step answered {(int)first.Status}{asked}: {Excerpt(first.Body)}");
            }
            var (_, second, _) = await browser.GetAsync(first.Location!.OriginalString);
            var step = Step();
            _lastTotpStep = step;
            var done = await browser.SubmitAsync(second, "totp-form", ("Code", TotpCode(secret, step)));
            if (done.Status != HttpStatusCode.Redirect) return (false, $"code step answered {(int)done.Status}: {Excerpt(done.Body)}");
            var ok = await IsSignedInAsync(browser, username);
            await SignOutAsync(browser);
            return ok ? (true, "signed in (password + authenticator code)") : (false, "no session after the code");
        });
        return new SignInRecord("known-browser password user", at, record.Item1, ms, record.Item2);
    }

    /// <summary>The right password from a browser nobody knows: what the page's script does (ask, solve, send).</summary>
    public async Task<SignInRecord> StrangerSignInAsync(string username, string address, double at)
    {
        using var browser = NewBrowser(address);
        int? bits = null;
        double? solveMs = null;
        var (record, ms) = await PageClient.TimedAsync(async () =>
        {
            var (_, login, _) = await browser.GetAsync("/account/login");
            var fields = new List<(string, string)> { ("Username", username), ("Password", password) };
            // A build without proofs of work (BULWARK_BENCH_SERVER pointing at an older one) has no such handler.
            var challenge = login.Contains("data-proof-url=", StringComparison.Ordinal)
                ? JsonNode.Parse((await browser.PostAsync(PageClient.Attribute(login, "login-form", "data-proof-url"), [new("__csrf", Csrf(login)), new("Username", username)])).Body)
                : null;
            if (challenge?["token"] is { } token)
            {
                bits = challenge!["bits"]!.GetValue<int>();
                var (nonce, solved) = await PageClient.TimedAsync(() => Task.FromResult(ProofSolver.Solve(token.GetValue<string>(), bits.Value)));
                solveMs = solved;
                fields.Add(("ProofToken", token.GetValue<string>()));
                fields.Add(("ProofNonce", nonce));
            }
            var done = await browser.SubmitAsync(login, "login-form", [.. fields]);
            if (done.Status != HttpStatusCode.Redirect) return (false, $"answered {(int)done.Status}: {Excerpt(done.Body)}");
            return await IsSignedInAsync(browser, username) ? (true, bits is null ? "signed in, no proof asked" : "signed in after the proof") : (false, "no session");
        });
        return new SignInRecord("new browser, right password", at, record.Item1, ms, record.Item2, bits, solveMs);
    }

    private static async Task<bool> IsSignedInAsync(PageClient browser, string username)
    {
        var (status, html, _) = await browser.GetAsync("/account/");
        return status == HttpStatusCode.OK && html.Contains(username, StringComparison.Ordinal);
    }

    private static async Task SignOutAsync(PageClient browser)
    {
        var (_, page, _) = await browser.GetAsync("/account/");
        await browser.PostAsync("/account/logout", [new("__csrf", Csrf(page))]);
    }

    private static async Task ConfirmCodesAsync(PageClient browser, string page, string what)
    {
        var codes = PageClient.Codes(page);
        if (codes.Count != 8) throw new InvalidOperationException($"adding the {what} showed no recovery codes: {Excerpt(page)}");
        var confirmed = await browser.SubmitAsync(page, "recovery-confirm-form", ("Code", codes[3]));
        if (confirmed.Status is not (HttpStatusCode.OK or HttpStatusCode.Redirect)) throw new InvalidOperationException($"confirming recovery codes answered {(int)confirmed.Status}");
    }

    public static string Csrf(string html)
    {
        var m = CsrfInput().Match(html);
        return m.Success ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("no antiforgery field on the page");
    }

    private static string Excerpt(string body)
    {
        var errors = Regex.Match(body, "id=\"(form-errors|signin-link-sent)\".*?</(div|p)>", RegexOptions.Singleline);
        var text = errors.Success ? Regex.Replace(errors.Value, "<[^>]+>", " ") : body;
        text = Regex.Replace(WebUtility.HtmlDecode(text), @"\s+", " ").Trim();
        return text.Length > 300 ? text[..300] : text;
    }

    private static long Step() => DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;

    /// <summary>The code an authenticator app shows: the server's own RFC 6238 computation (SHA-1, 6 digits, 30 s).</summary>
    private static string TotpCode(byte[] secret, long step) => Bulwark.Core.Accounts.Totp.TotpCodes.Compute(secret, step);

    private static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = 0;
        var buffer = 0;
        var output = new List<byte>();
        foreach (var c in text.ToUpperInvariant().Where(ch => ch is not (' ' or '=')))
        {
            buffer = (buffer << 5) | alphabet.IndexOf(c);
            bits += 5;
            if (bits < 8) continue;
            output.Add((byte)(buffer >> (bits - 8)));
            bits -= 8;
        }
        return [.. output];
    }

    [GeneratedRegex("<input[^>]*name=\"__csrf\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex CsrfInput();
}
