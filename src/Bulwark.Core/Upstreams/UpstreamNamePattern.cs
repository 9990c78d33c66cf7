using Bulwark.Core.Packaging;

namespace Bulwark.Core.Upstreams;

/// <summary>
/// A project-name pattern of an upstream block or allow rule: a name in which <c>*</c> stands for any run of
/// characters. Both sides are PEP 503 normalized before matching, so <c>Acme_*</c> blocks <c>acme-tools</c>
/// and <c>ACME.tools</c> alike: a rule cannot be stepped around by spelling.
/// </summary>
public static class UpstreamNamePattern
{
    public static bool IsValid(string? pattern) =>
        !string.IsNullOrWhiteSpace(pattern) && pattern.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '*');

    public static bool Matches(string pattern, string normalizedName)
    {
        var parts = pattern.Split('*').Select(p => p.Length == 0 ? p : ProjectName.Normalize(p)).ToArray();
        if (parts.Length == 1) return parts[0] == normalizedName;
        var position = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (i == 0)
            {
                if (!normalizedName.StartsWith(part, StringComparison.Ordinal)) return false;
                position = part.Length;
            }
            else if (i == parts.Length - 1)
            {
                return normalizedName.Length - part.Length >= position && normalizedName.EndsWith(part, StringComparison.Ordinal);
            }
            else
            {
                var at = normalizedName.IndexOf(part, position, StringComparison.Ordinal);
                if (at < 0) return false;
                position = at + part.Length;
            }
        }
        return true;
    }
}
