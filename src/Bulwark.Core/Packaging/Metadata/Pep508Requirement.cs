using System.Diagnostics.CodeAnalysis;

namespace Bulwark.Core.Packaging.Metadata;

/// <summary>
/// A PEP 508 dependency specifier, as in <c>Requires-Dist</c>:
/// <c>name [extras] (version-specifiers | @ url) [; marker]</c>.
/// </summary>
/// <param name="Name">The distribution name, as written.</param>
/// <param name="Extras">Requested extras, as written.</param>
/// <param name="Specifier">The version specifiers (e.g. <c>&gt;=1.0,&lt;2</c>), or null.</param>
/// <param name="Url">A direct reference (<c>name @ url</c>), or null.</param>
/// <param name="Marker">The environment marker, in normalized form, or null.</param>
public sealed record Pep508Requirement(string Name, IReadOnlyList<string> Extras, VersionSpecifierSet? Specifier, string? Url, string? Marker)
{
    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what was expected where.</summary>
    public static bool TryParse(
        string text,
        [NotNullWhen(true)] out Pep508Requirement? requirement,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            requirement = new Pep508Parser(text).ParseRequirement();
            error = null;
            return true;
        }
        catch (FormatException ex)
        {
            requirement = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>The canonical text form (extras sorted, specifiers sorted, marker normalized).</summary>
    public override string ToString()
    {
        var text = Name;
        if (Extras.Count > 0)
        {
            text += "[" + string.Join(',', Extras.Order(StringComparer.Ordinal)) + "]";
        }

        if (Specifier is { Specifiers.Count: > 0 })
        {
            text += string.Join(',', Specifier.Specifiers.Select(s => s.ToString()).Order(StringComparer.Ordinal));
        }

        if (Url is not null)
        {
            text += "@ " + Url + (Marker is null ? "" : " ");
        }

        return Marker is null ? text : text + "; " + Marker;
    }
}
