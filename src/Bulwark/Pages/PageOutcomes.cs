using Bulwark.Core.Outcomes;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Bulwark.Pages;

/// <summary>
/// The pages' edge for Core outcomes: a management outcome becomes a flash message (an error for a refusal,
/// a <see cref="RefusalKind.Forbidden"/> one a 403 in <c>ManagePageModel</c>), and a throttle becomes 429 with
/// Retry-After while the page still renders its message.
/// </summary>
internal static class PageOutcomes
{
    /// <summary>The flash text of an outcome whose value is the sentence that reports what was done.</summary>
    public static string Text(this Outcome<string> outcome) => outcome.Match(done => done, refusal => refusal.Message);

    /// <summary>
    /// Shows a refusal on a form: next to <see cref="Refusal.Field"/> (or at the top of the form when it names
    /// none), and for <see cref="RefusalKind.Throttled"/> with 429 and Retry-After.
    /// </summary>
    public static void Show(ModelStateDictionary modelState, HttpResponse response, Refusal refusal)
    {
        modelState.AddModelError(refusal.Field ?? "", refusal.Message);
        if (refusal.Kind == RefusalKind.Throttled) MarkThrottled(response, refusal.RetryAfterSeconds);
    }

    /// <summary>Answers 429 with Retry-After (whole seconds, at least 1).</summary>
    public static void MarkThrottled(HttpResponse response, int retryAfterSeconds)
    {
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = Math.Max(1, retryAfterSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
