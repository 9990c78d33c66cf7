namespace Bulwark.Core.Packaging.Metadata;

/// <summary>
/// PyPI's core metadata rules (the packaging library's field checks plus Warehouse's own), with PyPI's messages.
/// <see cref="Validate"/> returns the error PyPI would report: errors about Metadata-Version, Name and Version
/// win, then the error on the alphabetically first field.
/// </summary>
public static class MetadataValidator
{
    /// <summary>Appended to every message, as PyPI does.</summary>
    public const string MoreInformation = "See https://packaging.python.org/specifications/core-metadata for more information.";

    /// <summary>Metadata versions accepted: 1.0–1.2 and 2.1–2.5 (2.0 was never a real version).</summary>
    public static IReadOnlySet<string> SupportedMetadataVersions { get; } =
        new HashSet<string>(["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"], StringComparer.Ordinal);

    private static readonly string[] PriorityFields = ["metadata-version", "name", "version"];

    /// <summary>The first error as PyPI orders them, or null when the metadata is acceptable.</summary>
    public static MetadataError? Validate(CoreMetadata metadata, MetadataValidationOptions? options = null)
    {
        var errors = ValidateAll(metadata, options);
        if (errors.Count == 0)
        {
            return null;
        }

        var field = PriorityFields.FirstOrDefault(f => errors.Any(e => e.Field == f))
            ?? errors.Select(e => e.Field).Order(StringComparer.Ordinal).First();
        return errors.First(e => e.Field == field);
    }

    /// <summary>Every error found, in the order the checks ran.</summary>
    public static IReadOnlyList<MetadataError> ValidateAll(CoreMetadata metadata, MetadataValidationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        options ??= MetadataValidationOptions.Default;
        var errors = new MetadataErrorList();

        foreach (var problem in metadata.Problems)
        {
            if (problem.Kind != MetadataProblemKind.UnknownField || options.RejectUnknownFields)
            {
                errors.Add(problem.Field, problem.Message);
            }
        }

        // Metadata with a value over the bounds is refused for that; the rules below parse values, and what
        // was set aside would only turn into confusing follow-on errors (a required field reported missing).
        if (metadata.Problems.Any(p => p.Kind == MetadataProblemKind.OverLimit))
        {
            return errors.Errors;
        }

        MetadataFieldRules.CheckFields(metadata, errors);
        MetadataPolicyRules.CheckPolicy(metadata, options.Classifiers, errors);
        return errors.Errors;
    }

    /// <summary>
    /// Cross-checks the upload form against the file's metadata, which is authoritative. Only the fields that
    /// decide where a file goes are compared: the name (normalized), the version (PEP 440 equality) and the
    /// metadata version. A field the form leaves out is not a mismatch.
    /// </summary>
    public static IReadOnlyList<FormMismatch> CompareWithForm(CoreMetadata fromFile, CoreMetadata fromForm)
    {
        ArgumentNullException.ThrowIfNull(fromFile);
        ArgumentNullException.ThrowIfNull(fromForm);
        var mismatches = new List<FormMismatch>();

        if (Both(fromForm.Name, fromFile.Name)
            && ProjectName.Normalize(fromForm.Name.Trim()) != ProjectName.Normalize(fromFile.Name.Trim()))
        {
            mismatches.Add(Mismatch("Name", "name", fromForm.Name, fromFile.Name));
        }

        if (Both(fromForm.Version, fromFile.Version) && !SameVersion(fromForm.Version, fromFile.Version))
        {
            mismatches.Add(Mismatch("Version", "version", fromForm.Version, fromFile.Version));
        }

        if (Both(fromForm.MetadataVersion, fromFile.MetadataVersion) && fromForm.MetadataVersion.Trim() != fromFile.MetadataVersion.Trim())
        {
            mismatches.Add(Mismatch("Metadata-Version", "metadata_version", fromForm.MetadataVersion, fromFile.MetadataVersion));
        }

        return mismatches;
    }

    private static bool Both(string form, string file) => form.Length > 0 && file.Length > 0;

    private static bool SameVersion(string form, string file) =>
        Pep440Version.TryParse(form.Trim(), out var a) && Pep440Version.TryParse(file.Trim(), out var b)
            ? a == b
            : string.Equals(form.Trim(), file.Trim(), StringComparison.Ordinal);

    private static FormMismatch Mismatch(string header, string formField, string formValue, string fileValue) =>
        new(header, formValue, fileValue,
            $"The form field {formField} ({PyRepr.Str(formValue)}) does not match {header} in the distribution file's " +
            $"metadata ({PyRepr.Str(fileValue)}).");
}

/// <summary>Collects errors, formatting each message the way PyPI does.</summary>
internal sealed class MetadataErrorList
{
    public List<MetadataError> Errors { get; } = [];

    public void Add(string field, string message) =>
        Errors.Add(new MetadataError(field, message + (message.EndsWith('.') ? " " : ". ") + MetadataValidator.MoreInformation));
}
