using System.Text.RegularExpressions;
using Bulwark.Core.Packaging;

namespace Bulwark.Core.Uploads;

/// <summary>
/// The checks Warehouse runs on the form before it looks at the project or the file (its steps 0–2), in
/// its order and with its messages.
/// </summary>
public static partial class FormChecks
{
    public const string MetadataHelp = "See https://packaging.python.org/specifications/core-metadata for more information.";

    public static UploadFailure? Check(UploadFields fields)
    {
        if (fields.RepeatedSingleField() is { } repeated)
        {
            return UploadFailure.BadRequest($"{repeated}: Should not be a tuple.");
        }
        if (fields["protocol_version"] is { } protocol && protocol != "1")
        {
            return UploadFailure.BadRequest("Unknown protocol version.");
        }
        if (fields[":action"] is { } action && action != "file_upload")
        {
            // The other legacy actions were retired by PyPI; a client sending them gets the same answer.
            return new UploadFailure(System.Net.HttpStatusCode.Gone, $"The '{action}' action is no longer supported.");
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
        // Local versions are refused by the metadata checks that follow, with Warehouse's current wording.

        var filetype = fields["filetype"];
        if (filetype is null) return Invalid("filetype", null, "This field is required.");
        if (filetype is not ("sdist" or "bdist_wheel")) return Invalid("filetype", filetype, "Unknown type of file.");

        var pyversion = fields["pyversion"];
        if (filetype == "bdist_wheel" && pyversion is null)
        {
            return UploadFailure.BadRequest("Python version is required for binary distribution uploads.");
        }
        if (filetype == "sdist" && pyversion is not null && pyversion != "source")
        {
            return UploadFailure.BadRequest("The only valid Python version for a sdist is 'source'.");
        }

        var md5 = fields["md5_digest"];
        var sha256 = fields["sha256_digest"];
        var blake2 = fields["blake2_256_digest"];
        if (md5 is null && sha256 is null && blake2 is null)
        {
            return UploadFailure.BadRequest("Include at least one message digest.");
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

    /// <summary>Warehouse's form-error wording, so users searching the message find the same advice.</summary>
    public static UploadFailure Invalid(string field, string? value, string error) =>
        UploadFailure.BadRequest(string.IsNullOrEmpty(value)
            ? $"Invalid value for {field}. Error: {error}"
            : $"'{value}' is an invalid value for {field}. Error: {error} {MetadataHelp}");

    [GeneratedRegex("^[A-Fa-f0-9]{64}\\z")]
    private static partial Regex Hex64();

    [GeneratedRegex("^[A-Fa-f0-9]{32}\\z")]
    private static partial Regex Hex32();
}
