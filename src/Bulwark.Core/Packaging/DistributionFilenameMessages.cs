namespace Bulwark.Core.Packaging;

/// <summary>
/// Upload refusal messages about distribution filenames, worded exactly as PyPI words them so that
/// upload clients show the same text. Values quoted with Python's <c>repr</c> are quoted the same way.
/// A filename can be as long as a multipart header allows, so every quoted part is cut to
/// <see cref="PythonText.MaxQuotedLength"/> characters.
/// </summary>
public static class DistributionFilenameMessages
{
    /// <summary>The <c>filetype</c> form field is neither <c>sdist</c> nor <c>bdist_wheel</c>.</summary>
    public const string UnknownFiletype = "Use a known file type.";

    /// <summary>The filename contains a character with ordinal 0–31 or 127.</summary>
    public const string NonPrintableCharacters =
        "Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name.";

    /// <summary>The filename contains <c>/</c> or <c>\</c>.</summary>
    public const string PathSeparator = "Cannot upload a file with '/' or '\\' in the name.";

    /// <summary>The filename does not end in <c>.tar.gz</c>, <c>.zip</c> or <c>.whl</c>.</summary>
    public const string UnknownExtension =
        "Invalid file extension: Use .tar.gz, .whl or .zip extension. See https://www.python.org/dev/peps/pep-0527 "
        + "and https://peps.python.org/pep-0715/ for more information";

    /// <summary>The extension (as written) does not belong to the declared filetype.</summary>
    public static string ExtensionInvalidForFiletype(string extension, string filetype) =>
        $"Invalid file extension: Extension {extension} is invalid for filetype {filetype}. "
        + "See https://www.python.org/dev/peps/pep-0527 for more information.";

    /// <summary>A wheel platform tag outside <see cref="WheelPlatformTags"/>.</summary>
    public static string UnsupportedPlatformTag(string filename, string platformTag) =>
        $"Binary wheel '{PythonText.Shorten(filename)}' has an unsupported platform tag '{PythonText.Shorten(platformTag)}'.";

    /// <summary>The sdist filename cannot be split into a name and a version.</summary>
    public static string InvalidSdistFilename(string filename) => $"Invalid source distribution filename: {PythonText.Shorten(filename)}";

    /// <summary>The sdist filename is not exactly <c>{escaped name}-{normalized version}.tar.gz</c> (PEP 625).</summary>
    public static string SdistFilenameNotNormalized(string filename, string expected) =>
        $"Filename {PythonText.Repr(filename)} is invalid, should be {PythonText.Repr(expected)}.";

    /// <summary>The filename names a different project than the upload.</summary>
    public static string StartFilenameWith(string projectName, string wheelPrefix) =>
        $"Start filename for {PythonText.Repr(projectName)} with {PythonText.Repr(wheelPrefix)}.";

    /// <summary>The wheel's name part names the project but is not in its escaped, normalized form.</summary>
    public static string WheelNameNotNormalized(string filename, string normalizedName, string nameInFilename) =>
        $"Filename {PythonText.Repr(filename)} should contain the normalized project name "
        + $"{PythonText.Repr(normalizedName)}, not {PythonText.Repr(nameInFilename)}.";

    /// <summary>The wheel's version differs from the uploaded metadata's version.</summary>
    public static string WheelVersionMismatch(string expectedVersion, string versionInFilename) =>
        $"Version in filename should be {PythonText.Repr(expectedVersion)} not {PythonText.Repr(versionInFilename)}.";

    /// <summary>A wheel filename not ending in <c>.whl</c>.</summary>
    public static string WheelExtension(string filename) =>
        $"Invalid wheel filename (extension must be '.whl'): {PythonText.Repr(filename)}";

    /// <summary>A wheel filename (without <c>.whl</c>) with other than 4 or 5 dashes.</summary>
    public static string WheelWrongNumberOfParts(string stem) =>
        $"Invalid wheel filename (wrong number of parts): {PythonText.Repr(stem)}";

    /// <summary>A wheel whose name part is not an escaped project name.</summary>
    public static string WheelInvalidProjectName(string stem) => $"Invalid project name: {PythonText.Repr(stem)}";

    /// <summary>A wheel whose version part is not a PEP 440 version.</summary>
    public static string WheelInvalidVersion(string stem) =>
        $"Invalid wheel filename (invalid version): {PythonText.Repr(stem)}";

    /// <summary>A wheel build tag that does not start with a digit.</summary>
    public static string WheelInvalidBuildNumber(string build, string stem) =>
        $"Invalid build number: {PythonText.Shorten(build)} in {PythonText.Repr(stem)}";

    /// <summary>A wheel tag with a character other than ASCII letters, digits and <c>_</c> (a Bulwark check).</summary>
    public static string WheelInvalidTag(string tag, string stem) =>
        $"Invalid wheel filename (compatibility tag {PythonText.Repr(tag)} may only hold ASCII letters, digits and '_'): {PythonText.Repr(stem)}";

    /// <summary>A wheel tag repeated within its compressed set (a Bulwark check).</summary>
    public static string WheelRepeatedTag(string tag, string stem) =>
        $"Invalid wheel filename (compatibility tag {PythonText.Repr(tag)} is repeated): {PythonText.Repr(stem)}";

    /// <summary>A filename longer than <see cref="DistributionFilename.MaxLength"/> characters (a Bulwark check).</summary>
    public static string FilenameTooLong(string filename) =>
        $"Filename {PythonText.Repr(filename)} is too long: {filename.Length} characters, at most {DistributionFilename.MaxLength}.";

    /// <summary>A wheel with an empty python, ABI or platform tag (a Bulwark check; PyPI's text has no equivalent).</summary>
    public static string WheelEmptyTag(string stem) => $"Invalid wheel filename (empty compatibility tag): {PythonText.Repr(stem)}";
}
