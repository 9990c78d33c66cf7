namespace Bulwark.Core.Outcomes;

/// <summary>
/// An expected refusal of a use case: what went wrong, in a message that is safe to show to the caller as it
/// is (it never holds a secret and every quoted value in it is bounded by the code that built it).
/// </summary>
/// <param name="Kind">What kind of refusal; the edges map it to a status, model state or exit code.</param>
/// <param name="Message">The sentence shown to the user (for uploads also the HTTP reason phrase).</param>
/// <param name="Field">The form or metadata field at fault, when the refusal is about one value.</param>
/// <param name="RetryAfter">For <see cref="RefusalKind.Throttled"/>: how long until a retry can succeed.</param>
/// <param name="Code">A machine-readable code for edges whose protocol names one (the OIDC token exchange's error codes).</param>
public sealed record Refusal(RefusalKind Kind, string Message, string? Field = null, TimeSpan? RetryAfter = null, string? Code = null)
{
    public static Refusal Invalid(string message, string? field = null) => new(RefusalKind.Invalid, message, field);
    public static Refusal Unauthenticated(string message) => new(RefusalKind.Unauthenticated, message);
    public static Refusal WrongCredentials(string message, string? field = null) => new(RefusalKind.WrongCredentials, message, field);
    public static Refusal Forbidden(string message) => new(RefusalKind.Forbidden, message);
    public static Refusal NotFound(string message) => new(RefusalKind.NotFound, message);
    public static Refusal Conflict(string message) => new(RefusalKind.Conflict, message);
    public static Refusal Gone(string message) => new(RefusalKind.Gone, message);
    public static Refusal LinkRejected(string message) => new(RefusalKind.LinkRejected, message);
    public static Refusal Unavailable(string message) => new(RefusalKind.Unavailable, message);

    /// <summary>A throttle refusal whose message says how long to wait (rounded up to whole seconds or minutes).</summary>
    public static Refusal Throttled(TimeSpan retryAfter) =>
        new(RefusalKind.Throttled, $"Too many attempts. Try again in {DescribeWait(retryAfter)}.", RetryAfter: retryAfter);

    /// <summary>A throttle refusal with a message of the caller's own.</summary>
    public static Refusal Throttled(string message, TimeSpan retryAfter) => new(RefusalKind.Throttled, message, RetryAfter: retryAfter);

    /// <summary>Whole seconds to put in a Retry-After header (at least 1).</summary>
    public int RetryAfterSeconds => RetryAfter is { } wait ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 0;

    public static string DescribeWait(TimeSpan wait)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        return seconds <= 60 ? $"{seconds} second{(seconds == 1 ? "" : "s")}" : $"{(seconds + 59) / 60} minutes";
    }
}
