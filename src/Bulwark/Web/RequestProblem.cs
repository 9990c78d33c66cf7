namespace Bulwark.Web;

/// <summary>
/// A sentence naming what was wrong with a refused page request, left on the request for the error page that the
/// status-code pages render for it (the refusal sets only the status, so every page error keeps the site's layout).
/// </summary>
public static class RequestProblem
{
    private static readonly object Key = new();

    public static void Set(HttpContext context, string message) => context.Items[Key] = message;

    /// <summary>The sentence, or null when the refusal left none.</summary>
    public static string? Of(HttpContext context) => context.Items.TryGetValue(Key, out var message) ? message as string : null;
}
