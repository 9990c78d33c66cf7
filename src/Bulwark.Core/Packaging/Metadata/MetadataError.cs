namespace Bulwark.Core.Packaging.Metadata;

/// <summary>One metadata validation failure.</summary>
/// <param name="Field">Lower-case header name the error is about (e.g. <c>requires-dist</c>).</param>
/// <param name="Message">The full message for the uploader, PyPI's wording including its pointer to the spec.</param>
public sealed record MetadataError(string Field, string Message);

/// <summary>A disagreement between the upload form and the file's own metadata.</summary>
/// <param name="Field">The header name (e.g. <c>Version</c>).</param>
/// <param name="FormValue">What the form said.</param>
/// <param name="FileValue">What the distribution file's metadata says (authoritative).</param>
/// <param name="Message">A sentence naming the field and both values.</param>
public sealed record FormMismatch(string Field, string FormValue, string FileValue, string Message);

/// <summary>How <see cref="MetadataValidator"/> judges metadata.</summary>
public sealed record MetadataValidationOptions
{
    /// <summary>The defaults: the embedded classifier list, unknown fields tolerated.</summary>
    public static MetadataValidationOptions Default { get; } = new();

    /// <summary>
    /// The classifier catalog. Operators add classifiers newer than the embedded list (or private ones) with
    /// <c>TroveClassifiers.Default.WithAdditional(...)</c>.
    /// </summary>
    public TroveClassifiers Classifiers { get; init; } = TroveClassifiers.Default;

    /// <summary>
    /// Refuse headers the specification does not define. Off by default: build tools have long written extra
    /// headers, and PyPI itself only sees the form's fields.
    /// </summary>
    public bool RejectUnknownFields { get; init; }
}
