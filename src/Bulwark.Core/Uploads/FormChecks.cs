using System.Text.RegularExpressions;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;

namespace Bulwark.Core.Uploads;

/// <summary>
/// The checks Warehouse runs on the form before it looks at the project or the file (its steps 0–2), in
/// its order and with its messages. Each check answers null when the form passes, or the refusal (every
/// refusal is <see cref="RefusalKind.Invalid"/> except a retired action, which is <see cref="RefusalKind.Gone"/>).
/// </summary>
public static partial class FormChecks
{
    /// <summary>The release table's bound on a version (as written, and in canonical form).</summary>
    public const int MaxStoredVersionLength = 100;

    /// <summary>The longest <c>pyversion</c> accepted.</summary>
    public const int MaxPyversionLength = 100;

    public const string MetadataHelp = "See https://packaging.python.org/specifications/core-metadata for more information.";

    public static Refusal? Check(UploadFields fields)
    {
        if (fields.RepeatedSingleField() is { } repeated)
        {
            return Refusal.Invalid($"{PythonText.Shorten(repeated)}: Should not be a tuple.", repeated);
        }
        if (fields["protocol_version"] is { } protocol && protocol != "1")
        {
            return Refusal.Invalid("Unknown protocol version.", "protocol_version");
        }
        if (fields[":action"] is { } action && action != "file_upload")
        {
            // The other legacy actions were retired by PyPI; a client sending them gets the same answer.
            return Refusal.Gone($"The '{PythonText.Shorten(action)}' action is no longer supported.");
        }

        var name = fields["name"];
        if (name is null) return Invalid("name", null, "This field is required.");
        if (!ProjectName.IsValid(name))
        {
            return Invalid("Name", name, "Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'.");
        }
        var version = fields["version"];
        if (version is null) return Invalid("version", null, "This field is required.");
        if (version != version.Trim()) return Invalid("Version", version, "Cannot have leading or trailing whitespace.");
        if (!Pep440Version.TryParse(version, out var parsed) || parsed is null)
        {
            return Invalid("Version", version, "Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'.");
        }
        // The release row keeps the version as written and in canonical form, each in at most 100 characters;
        // a longer one would fail in the database at commit instead of being refused here.
        if (version.Length > MaxStoredVersionLength || parsed.CanonicalForm.Length > MaxStoredVersionLength)
        {
            return Invalid("Version", version, $"Must be at most {MaxStoredVersionLength} characters long.");
        }
        // Local versions are refused by the metadata checks that follow, with Warehouse's current wording.

        var filetype = fields["filetype"];
        if (filetype is null) return Invalid("filetype", null, "This field is required.");
        if (filetype is not ("sdist" or "bdist_wheel")) return Invalid("filetype", filetype, "Unknown type of file.");

        var pyversion = fields["pyversion"];
        if (filetype == "bdist_wheel" && pyversion is null)
        {
            return Refusal.Invalid("Python version is required for binary distribution uploads.", "pyversion");
        }
        if (filetype == "sdist" && pyversion is not null && pyversion != "source")
        {
            return Refusal.Invalid("The only valid Python version for a sdist is 'source'.", "pyversion");
        }
        // pyversion is stored with the file and written to the journal; Warehouse does not bound it, but a
        // tag such as "py2.py3" or "cp312" is short, and megabytes of it would be stored for every file.
        if (pyversion is not null && (pyversion.Length > MaxPyversionLength || pyversion.Any(char.IsControl)))
        {
            return Invalid("pyversion", pyversion, $"Must be one line of at most {MaxPyversionLength} characters.");
        }

        var md5 = fields["md5_digest"];
        var sha256 = fields["sha256_digest"];
        var blake2 = fields["blake2_256_digest"];
        if (md5 is null && sha256 is null && blake2 is null)
        {
            return Refusal.Invalid("Include at least one message digest.");
        }
        if (sha256 is not null && !Hex64().IsMatch(sha256))
        {
            return Invalid("sha256_digest", sha256, "Must be a valid, hex encoded, SHA256 message digest.");
        }
        if (blake2 is not null && !Hex64().IsMatch(blake2))
        {
            return Invalid("blake2_256_digest", blake2, "Must be a valid, hex encoded, blake2 message digest.");
        }
        if (md5 is not null && !Hex32().IsMatch(md5))
        {
            return Invalid("md5_digest", md5, "Must be a valid, hex encoded, MD5 message digest.");
        }
        return null;
    }

    /// <summary>
    /// Warehouse's form-error wording, so users searching the message find the same advice. The value is quoted
    /// cut to <see cref="PythonText.MaxQuotedLength"/> characters: a refusal never echoes megabytes back.
    /// </summary>
    public static Refusal Invalid(string field, string? value, string error) =>
        Refusal.Invalid(string.IsNullOrEmpty(value)
            ? $"Invalid value for {field}. Error: {error}"
            : $"'{PythonText.Shorten(value)}' is an invalid value for {field}. Error: {error} {MetadataHelp}", field.ToLowerInvariant());

    [GeneratedRegex("^[A-Fa-f0-9]{64}\\z")]
    private static partial Regex Hex64();

    [GeneratedRegex("^[A-Fa-f0-9]{32}\\z")]
    private static partial Regex Hex32();
}
