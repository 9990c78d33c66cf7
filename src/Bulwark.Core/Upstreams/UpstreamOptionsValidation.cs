using Microsoft.Extensions.Options;

namespace Bulwark.Core.Upstreams;

/// <summary>
/// Checks <c>Bulwark:Upstreams</c> at start and names the key at fault (<c>Bulwark:Upstreams:0:Url</c>), so a
/// typo stops the server instead of silently turning the proxy (or one of its guards) off.
/// </summary>
public sealed class UpstreamOptionsValidation : IValidateOptions<UpstreamProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, UpstreamProxyOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Upstreams.Count; i++)
        {
            var u = options.Upstreams[i];
            var key = $"{UpstreamProxyOptions.Section}:{i}";
            if (!string.IsNullOrWhiteSpace(u.Url)
                && (!Uri.TryCreate(u.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment)))
            {
                failures.Add($"{key}:Url must be an absolute http or https URL without query or fragment (e.g. https://pypi.org/simple/); got '{u.Url}'.");
            }
            if (!string.IsNullOrWhiteSpace(u.JsonUrl) && !string.Equals(u.JsonUrl, "none", StringComparison.OrdinalIgnoreCase)
                && (!Uri.TryCreate(u.JsonUrl, UriKind.Absolute, out var json) || json.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(json.Query) || !string.IsNullOrEmpty(json.Fragment)))
            {
                failures.Add($"{key}:JsonUrl must be an absolute http or https URL without query or fragment (e.g. https://pypi.org/pypi/), or 'none'; got '{u.JsonUrl}'.");
            }
            if (u.Timeout <= TimeSpan.Zero || u.Timeout > TimeSpan.FromMinutes(5))
            {
                failures.Add($"{key}:Timeout must be more than zero and at most 00:05:00.");
            }
            if (u.MaxAge < TimeSpan.Zero || u.MaxAge > TimeSpan.FromDays(1))
            {
                failures.Add($"{key}:MaxAge must be between 00:00:00 and 1.00:00:00.");
            }
            if (u.FileTimeout <= TimeSpan.Zero || u.FileTimeout > TimeSpan.FromHours(2))
            {
                failures.Add($"{key}:FileTimeout must be more than zero and at most 02:00:00.");
            }
            if (u.MaxFileSize <= 0)
            {
                failures.Add($"{key}:MaxFileSize must be more than zero.");
            }
            CheckPatterns(u.Block, $"{key}:Block", failures);
            CheckPatterns(u.AllowOnly, $"{key}:AllowOnly", failures);
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckPatterns(List<string> patterns, string key, List<string> failures)
    {
        for (var i = 0; i < patterns.Count; i++)
        {
            if (!UpstreamNamePattern.IsValid(patterns[i]))
            {
                failures.Add($"{key}:{i} '{patterns[i]}' is not a name pattern (letters, digits, '.', '_', '-' and '*').");
            }
        }
    }
}
