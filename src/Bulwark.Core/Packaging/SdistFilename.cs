using System.Diagnostics.CodeAnalysis;

namespace Bulwark.Core.Packaging;

/// <summary>A parsed source distribution filename, <c>{name}-{version}.tar.gz</c> or legacy <c>.zip</c>.</summary>
/// <param name="Filename">The whole filename.</param>
/// <param name="Name">Everything before the last <c>-</c>.</param>
/// <param name="Version">Everything after the last <c>-</c>, without the extension.</param>
/// <param name="ParsedVersion">The version part, parsed.</param>
/// <param name="Extension"><c>.tar.gz</c> or <c>.zip</c>.</param>
public sealed record SdistFilename(string Filename, string Name, string Version, Pep440Version ParsedVersion, string Extension)
    : ParsedDistributionFilename(Filename, Name, Version, ParsedVersion)
{
    /// <inheritdoc />
    public override string Filetype => DistributionFilename.SdistFiletype;

    /// <summary>
    /// Splits an sdist filename on its last <c>-</c>, as installers do (a PEP 440 version has no dash).
    /// The name must be a valid project name and the version a PEP 440 version; whether the filename
    /// is in the PEP 625 normalized form is checked by <see cref="DistributionFilename.Validate(string, string)"/>.
    /// </summary>
    public static bool TryParse(string filename, [NotNullWhen(true)] out SdistFilename? sdist)
    {
        ArgumentNullException.ThrowIfNull(filename);
        sdist = null;
        var extension = filename.EndsWith(".tar.gz", StringComparison.Ordinal) ? ".tar.gz"
            : filename.EndsWith(".zip", StringComparison.Ordinal) ? ".zip"
            : null;
        if (extension is null)
        {
            return false;
        }

        var stem = filename[..^extension.Length];
        var dash = stem.LastIndexOf('-');
        if (dash < 0)
        {
            return false;
        }

        var name = stem[..dash];
        var version = stem[(dash + 1)..];
        if (!ProjectName.IsValid(name) || !Pep440Version.TryParse(version, out var parsed))
        {
            return false;
        }

        sdist = new SdistFilename(filename, name, version, parsed, extension);
        return true;
    }
}
