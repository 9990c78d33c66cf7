using Bulwark.Auth;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Audit;
using Bulwark.Core.Outcomes;
using Bulwark.Endpoints;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Bulwark.Pages;

/// <summary>Helpers every page model shares: the audit actor, flash messages, throttling answers.</summary>
public abstract class BulwarkPageModel : PageModel
{
    /// <summary>IP and user agent of this request, and the signed-in user if any.</summary>
    protected Actor RequestActor => Endpoints.RequestActor.From(HttpContext) with { UserId = HttpContext.CurrentSession()?.UserId };

    protected User CurrentUser => HttpContext.CurrentUser();

    /// <summary>A message shown once on the next page (after a redirect).</summary>
    protected void Flash(string message, bool error = false) => TempData[error ? "FlashError" : "Flash"] = Bounded(message);

    /// <summary>The longest flash message kept; longer ones are cut, with an ellipsis.</summary>
    public const int MaxFlashLength = 500;

    /// <remarks>
    /// Why: a flash message may quote what was typed (a 100 KB user name in an invitation), and it travels in the
    /// flash cookie. Unbounded, it became dozens of 4 KB cookie chunks, after which every request of that browser
    /// exceeded the server's header limit (431) until the cookies expired: the browser was locked out of the index.
    /// </remarks>
    private static string Bounded(string message)
    {
        if (message.Length <= MaxFlashLength) return message;
        var cut = MaxFlashLength - 1;
        if (char.IsHighSurrogate(message[cut - 1])) cut--;
        return string.Concat(message.AsSpan(0, cut), "…");
    }

    /// <summary>Flashes what a use case did, or why it refused (as an error).</summary>
    protected void Flash(Outcome<string> outcome) => Flash(outcome.Text(), error: !outcome.Succeeded);

    /// <summary>Puts a flow's refusal next to the field it is about (or at the top of the form); a throttle answers 429.</summary>
    protected void ShowRefusal(Refusal refusal) => PageOutcomes.Show(ModelState, Response, refusal);

    /// <summary>Answers 429 with Retry-After; the page itself still renders, with the message.</summary>
    protected void MarkThrottled(int retryAfterSeconds) => PageOutcomes.MarkThrottled(Response, retryAfterSeconds);

    /// <summary>Pages whose URL carries a one-time secret must not leak it to the next site through Referer.</summary>
    protected void NoReferrer() => Response.Headers["Referrer-Policy"] = "no-referrer";

    /// <summary>Pages that show a secret once must not be kept in any cache.</summary>
    protected void NoStore() => Response.Headers.CacheControl = "no-store";

    /// <summary>A local return URL, or <paramref name="fallback"/>: never an open redirect.</summary>
    protected string SafeReturnUrl(string? returnUrl, string fallback = "/manage/projects/") =>
        !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : fallback;
}
