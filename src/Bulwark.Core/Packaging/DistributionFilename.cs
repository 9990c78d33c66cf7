namespace Bulwark.Core.Packaging;

/// <summary>
/// Validation of an uploaded distribution's filename, in PyPI's order and with PyPI's messages:
/// no control characters or path separators, an extension that fits the declared filetype (PEP 527),
/// then a wheel filename that parses with only allowed platform tags, or an sdist filename in the
/// PEP 625 form <c>{escaped name}-{normalized version}.tar.gz</c> (so new <c>.zip</c> sdists are refused).
/// </summary>
public static class DistributionFilename
{
    /// <summary>The upload form's <c>filetype</c> for a source distribution.</summary>
    public const string SdistFiletype = "sdist";

    /// <summary>The upload form's <c>filetype</c> for a wheel.</summary>
    public const string WheelFiletype = "bdist_wheel";

    /// <summary>
    /// The longest filename accepted (a Bulwark check; PyPI sets none). The file is stored under its name as one
    /// path component, and a wheel's PEP 658 metadata beside it under the name plus <c>.metadata</c>: common
    /// file systems allow 255 bytes per component, and accepted filenames are ASCII. A longer name would be
    /// refused by the file system only at commit.
    /// </summary>
    public const int MaxLength = 255 - 9;

    private static readonly string[] SdistExtensions = [".tar.gz", ".zip"];
    private static readonly string[] WheelExtensions = [".whl"];
    private static readonly string[] KnownExtensions = [".tar.gz", ".zip", ".whl"];

    /// <summary>
    /// Validates a filename on its own: the basic checks, the wheel or sdist syntax, the platform tags,
    /// and that the name and version parts are written in normalized form. Use the overload taking the
    /// project and version to also check that the filename matches the upload.
    /// </summary>
    public static DistributionFilenameResult Validate(string filename, string filetype) => ValidateCore(filename, filetype, null, null);

    /// <summary>
    /// Validates a filename against the upload it arrived with: as <see cref="Validate(string, string)"/>,
    /// and the name must be <paramref name="projectName"/> and the version <paramref name="version"/>
    /// (an sdist must be exactly <c>{escaped project name}-{normalized version}.tar.gz</c>).
    /// </summary>
    public static DistributionFilenameResult Validate(string filename, string filetype, string projectName, Pep440Version version)
    {
        ArgumentNullException.ThrowIfNull(projectName);
        ArgumentNullException.ThrowIfNull(version);
        return ValidateCore(filename, filetype, projectName, version);
    }

    /// <summary>
    /// The checks made before the file is read: a known filetype, no character with ordinal 0–31 or 127,
    /// no <c>/</c> or <c>\</c>, an extension (matched case-sensitively) that fits the filetype, and at most
    /// <see cref="MaxLength"/> characters.
    /// Returns the refusal message, or null.
    /// </summary>
    public static string? CheckUploadFilename(string filename, string filetype)
    {
        ArgumentNullException.ThrowIfNull(filename);
        var allowed = filetype switch
        {
            SdistFiletype => SdistExtensions,
            WheelFiletype => WheelExtensions,
            _ => null,
        };
        if (allowed is null)
        {
            return DistributionFilenameMessages.UnknownFiletype;
        }

        if (filename.Any(c => c < ' ' || c == '\x7f'))
        {
            return DistributionFilenameMessages.NonPrintableCharacters;
        }

        if (filename.Contains('/') || filename.Contains('\\'))
        {
            return DistributionFilenameMessages.PathSeparator;
        }

        var extension = KnownExtensions
            .Where(known => filename.Length > known.Length && filename.EndsWith(known, StringComparison.OrdinalIgnoreCase))
            .Select(known => filename[^known.Length..])
            .FirstOrDefault();
        if (extension is null)
        {
            return DistributionFilenameMessages.UnknownExtension;
        }

        if (!allowed.Contains(extension, StringComparer.Ordinal))
        {
            return DistributionFilenameMessages.ExtensionInvalidForFiletype(extension, filetype);
        }

        return filename.Length > MaxLength ? DistributionFilenameMessages.FilenameTooLong(filename) : null;
    }

    /// <summary>Whether a filename's name part and a project name are the same once PEP 503 normalized.</summary>
    public static bool NameMatches(string filenameNamePart, string projectName) =>
        ProjectName.Normalize(filenameNamePart) == ProjectName.Normalize(projectName);

    /// <summary>Whether a filename's version part is a PEP 440 version equal to <paramref name="version"/> (so <c>1.0.0</c> matches <c>1.0</c>).</summary>
    public static bool VersionMatches(string filenameVersionPart, Pep440Version version) =>
        Pep440Version.TryParse(filenameVersionPart, out var parsed) && parsed == version;

    private static DistributionFilenameResult ValidateCore(string filename, string filetype, string? projectName, Pep440Version? version)
    {
        var error = CheckUploadFilename(filename, filetype);
        if (error is not null)
        {
            return DistributionFilenameResult.Invalid(error);
        }

        return filetype == SdistFiletype
            ? ValidateSdist(filename, projectName, version)
            : ValidateWheel(filename, projectName, version);
    }

    private static DistributionFilenameResult ValidateSdist(string filename, string? projectName, Pep440Version? version)
    {
        if (!SdistFilename.TryParse(filename, out var sdist))
        {
            return DistributionFilenameResult.Invalid(DistributionFilenameMessages.InvalidSdistFilename(filename));
        }

        if (projectName is not null && !NameMatches(NameAllowingDashedPostRelease(sdist, projectName, version!), projectName))
        {
            return DistributionFilenameResult.Invalid(
                DistributionFilenameMessages.StartFilenameWith(projectName, ProjectName.ToWheelPrefix(projectName)));
        }

        var expected = $"{ProjectName.ToWheelPrefix(projectName ?? sdist.Name)}-{(version ?? sdist.ParsedVersion).Normalized}.tar.gz";
        return filename == expected
            ? DistributionFilenameResult.Valid(sdist)
            : DistributionFilenameResult.Invalid(DistributionFilenameMessages.SdistFilenameNotNormalized(filename, expected));
    }

    /// <summary>
    /// The last dash normally ends the name, but a post-release written with a dash (<c>foo-1.0-1.tar.gz</c>)
    /// puts one inside the version: when the upload is a post-release and the usual split does not name
    /// the project, the name is taken to end at the second-to-last dash, as PyPI does.
    /// </summary>
    private static string NameAllowingDashedPostRelease(SdistFilename sdist, string projectName, Pep440Version version)
    {
        var dash = sdist.Name.LastIndexOf('-');
        return version.IsPostRelease && dash >= 0 && !NameMatches(sdist.Name, projectName) ? sdist.Name[..dash] : sdist.Name;
    }

    private static DistributionFilenameResult ValidateWheel(string filename, string? projectName, Pep440Version? version)
    {
        if (!WheelFilename.TryParse(filename, out var wheel, out var error))
        {
            return DistributionFilenameResult.Invalid(error);
        }

        var unsupported = wheel.PlatformTags.FirstOrDefault(tag => !WheelPlatformTags.IsAllowed(tag));
        if (unsupported is not null)
        {
            return DistributionFilenameResult.Invalid(DistributionFilenameMessages.UnsupportedPlatformTag(filename, unsupported));
        }

        if (projectName is not null && !NameMatches(wheel.Name, projectName))
        {
            return DistributionFilenameResult.Invalid(
                DistributionFilenameMessages.StartFilenameWith(projectName, ProjectName.ToWheelPrefix(projectName)));
        }

        var escaped = ProjectName.ToWheelPrefix(projectName ?? wheel.Name);
        if (wheel.Name != escaped)
        {
            return DistributionFilenameResult.Invalid(DistributionFilenameMessages.WheelNameNotNormalized(filename, escaped, wheel.Name));
        }

        if (version is not null && version != wheel.ParsedVersion)
        {
            return DistributionFilenameResult.Invalid(
                DistributionFilenameMessages.WheelVersionMismatch(version.Normalized, wheel.ParsedVersion.Normalized));
        }

        return DistributionFilenameResult.Valid(wheel);
    }
}
