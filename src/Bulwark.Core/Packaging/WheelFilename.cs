using System.Diagnostics.CodeAnalysis;

namespace Bulwark.Core.Packaging;

/// <summary>
/// A parsed wheel filename, <c>{name}-{version}(-{build})?-{python tag}-{abi tag}-{platform tag}.whl</c>.
/// Each tag may be a compressed set joined with <c>.</c>; tags are held lower-cased, in written order.
/// </summary>
/// <param name="Filename">The whole filename.</param>
/// <param name="Name">The name part as written (expected to be the escaped form, e.g. <c>foo_bar</c>).</param>
/// <param name="Version">The version part as written.</param>
/// <param name="ParsedVersion">The version part, parsed.</param>
/// <param name="Build">The build tag (starts with a digit), or null.</param>
/// <param name="PythonTags">The python tags, e.g. <c>py2</c>, <c>py3</c>.</param>
/// <param name="AbiTags">The ABI tags, e.g. <c>none</c>, <c>abi3</c>.</param>
/// <param name="PlatformTags">The platform tags, e.g. <c>any</c>, <c>manylinux_2_17_x86_64</c>.</param>
public sealed record WheelFilename(
    string Filename,
    string Name,
    string Version,
    Pep440Version ParsedVersion,
    string? Build,
    IReadOnlyList<string> PythonTags,
    IReadOnlyList<string> AbiTags,
    IReadOnlyList<string> PlatformTags)
    : ParsedDistributionFilename(Filename, Name, Version, ParsedVersion)
{
    /// <inheritdoc />
    public override string Filetype => DistributionFilename.WheelFiletype;

    /// <summary>
    /// Parses a wheel filename by the binary distribution format rules. On failure <paramref name="error"/>
    /// carries the message PyPI gives for that filename (see <see cref="DistributionFilenameMessages"/>).
    /// Bulwark is stricter than the reference parser: the name part must be a valid project name, and the
    /// build tag and every tag of a compressed set must be non-empty, made of ASCII letters, digits and
    /// <c>_</c> (the format's escaping), and not repeated within its set.
    /// </summary>
    public static bool TryParse(string filename, [NotNullWhen(true)] out WheelFilename? wheel, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(filename);
        wheel = null;
        if (!filename.EndsWith(".whl", StringComparison.Ordinal))
        {
            error = DistributionFilenameMessages.WheelExtension(filename);
            return false;
        }

        var stem = filename[..^4];
        var dashes = stem.Count(c => c == '-');
        if (dashes is not (4 or 5))
        {
            error = DistributionFilenameMessages.WheelWrongNumberOfParts(stem);
            return false;
        }

        var parts = stem.Split('-', dashes - 1);
        var name = parts[0];
        if (name.Contains("__", StringComparison.Ordinal) || !ProjectName.IsValid(name))
        {
            error = DistributionFilenameMessages.WheelInvalidProjectName(stem);
            return false;
        }

        if (!Pep440Version.TryParse(parts[1], out var version))
        {
            error = DistributionFilenameMessages.WheelInvalidVersion(stem);
            return false;
        }

        var build = dashes == 5 ? parts[2] : null;
        if (build is not null && (build.Length == 0 || !char.IsAsciiDigit(build[0]) || !IsEscapedComponent(build)))
        {
            error = DistributionFilenameMessages.WheelInvalidBuildNumber(build, stem);
            return false;
        }

        var tagSets = parts[^1].Split('-').Select(set => set.Split('.')).ToArray();
        if (tagSets.Any(set => set.Any(tag => tag.Length == 0)))
        {
            error = DistributionFilenameMessages.WheelEmptyTag(stem);
            return false;
        }

        // The binary distribution format escapes every component to letters, digits and '_'; anything else in a
        // tag (spaces, quotes, '%', non-ASCII look-alikes) comes from no build tool and would only reach pages and
        // URLs. A tag listed twice in one set says nothing more than once, and only makes two names for one wheel.
        foreach (var set in tagSets)
        {
            if (set.FirstOrDefault(tag => !IsEscapedComponent(tag)) is { } invalid)
            {
                error = DistributionFilenameMessages.WheelInvalidTag(invalid, stem);
                return false;
            }

            if (set.GroupBy(tag => tag, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            {
                error = DistributionFilenameMessages.WheelRepeatedTag(repeated.Key, stem);
                return false;
            }
        }

        wheel = new WheelFilename(filename, name, parts[1], version, build, Lower(tagSets[0]), Lower(tagSets[1]), Lower(tagSets[2]));
        error = null;
        return true;
    }

    private static bool IsEscapedComponent(string text) => text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string[] Lower(string[] tags) => tags.Select(tag => tag.ToLowerInvariant()).ToArray();
}
