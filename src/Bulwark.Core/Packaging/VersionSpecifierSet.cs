using System.Diagnostics.CodeAnalysis;

namespace Bulwark.Core.Packaging;

/// <summary>
/// A comma-separated set of PEP 440 version specifiers, as found in <c>Requires-Python</c>
/// (<c>&gt;=3.8,&lt;4</c>). A version is contained when every specifier contains it.
/// </summary>
public sealed class VersionSpecifierSet
{
    private VersionSpecifierSet(IReadOnlyList<VersionSpecifier> specifiers) => Specifiers = specifiers;

    /// <summary>The specifiers in the order written. Empty for an empty set, which contains every version.</summary>
    public IReadOnlyList<VersionSpecifier> Specifiers { get; }

    /// <summary>
    /// Parses a specifier set. Items are split on <c>,</c> and trimmed; empty items are skipped, so an
    /// empty or all-comma text is a valid empty set (as in the reference implementation). On failure,
    /// <paramref name="error"/> names the first invalid item, e.g. <c>Invalid specifier: '&gt;=3.x'</c>.
    /// </summary>
    public static bool TryParse(
        string text,
        [NotNullWhen(true)] out VersionSpecifierSet? specifiers,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parsed = new List<VersionSpecifier>();
        foreach (var item in text.Split(','))
        {
            var trimmed = PythonText.Trim(item).ToString();
            if (trimmed.Length == 0)
            {
                continue;
            }

            if (!VersionSpecifier.TryParse(trimmed, out var specifier, out error))
            {
                specifiers = null;
                return false;
            }

            parsed.Add(specifier);
        }

        specifiers = new VersionSpecifierSet(parsed.AsReadOnly());
        error = null;
        return true;
    }

    /// <summary>
    /// Whether every specifier contains <paramref name="version"/>, evaluated mathematically: pre-releases
    /// are not filtered out (see <see cref="VersionSpecifier.Contains"/>).
    /// </summary>
    public bool Contains(Pep440Version version)
    {
        foreach (var specifier in Specifiers)
        {
            if (!specifier.Contains(version))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The specifiers joined with <c>,</c>, e.g. <c>&gt;=3.8,&lt;4</c>.</summary>
    public override string ToString() => string.Join(',', Specifiers);
}
