using System.Diagnostics.CodeAnalysis;

namespace Bulwark.Core.Packaging.Metadata;

/// <summary>A <c>Project-URL</c> entry: <c>label, url</c>.</summary>
public sealed record ProjectUrl(string Label, string Url)
{
    /// <summary>The entry as written in metadata: <c>label, url</c>.</summary>
    public override string ToString() => $"{Label}, {Url}";

    /// <summary>Splits <c>label, url</c> at the first comma.</summary>
    public static ProjectUrl Parse(string entry)
    {
        var comma = entry.IndexOf(',');
        return comma < 0 ? new(entry.Trim(), "") : new(entry[..comma].Trim(), entry[(comma + 1)..].Trim());
    }
}

/// <summary>What kind of irregularity the parser found in a metadata source.</summary>
public enum MetadataProblemKind
{
    /// <summary>A single-use field appeared more than once; its value is left unset.</summary>
    DuplicateField,

    /// <summary>A header the Core Metadata specification does not define.</summary>
    UnknownField,

    /// <summary>A field whose value cannot be interpreted (e.g. duplicate Project-URL labels).</summary>
    InvalidData,

    /// <summary>
    /// A value too long or nested too deeply to be parsed, or a field with too many values (see
    /// <c>MetadataLimits</c>); the offending values are left out, so no parser ever sees them.
    /// </summary>
    OverLimit,
}

/// <summary>An irregularity found while reading metadata; the validator decides which ones are fatal.</summary>
/// <param name="Field">Lower-case header name (e.g. <c>name</c>), or the form name for unknown form fields.</param>
/// <param name="Kind">What went wrong.</param>
/// <param name="Message">Human-readable description, phrased like PyPI's (e.g. <c>'name' has invalid data</c>).</param>
public sealed record MetadataProblem(string Field, MetadataProblemKind Kind, string Message);

/// <summary>
/// Core metadata of a distribution (Core Metadata spec 1.0 to 2.5), from a wheel's <c>METADATA</c>, an sdist's
/// <c>PKG-INFO</c>, or an upload form. Values are kept as written (no normalization); a field that is absent,
/// empty, or was the placeholder <c>UNKNOWN</c> is null (or an empty list). The three required fields
/// (<see cref="MetadataVersion"/>, <see cref="Name"/>, <see cref="Version"/>) are empty strings when absent.
/// </summary>
public sealed record CoreMetadata
{
    /// <summary>The placeholder old setuptools and distutils wrote for absent fields; treated as absent.</summary>
    public const string UnknownPlaceholder = "UNKNOWN";

    public string MetadataVersion { get; init; } = "";
    public string Name { get; init; } = "";
    public string Version { get; init; } = "";
    public string? Summary { get; init; }
    public string? Description { get; init; }
    public string? DescriptionContentType { get; init; }
    public string? Keywords { get; init; }
    public string? HomePage { get; init; }
    public string? DownloadUrl { get; init; }
    public string? Author { get; init; }
    public string? AuthorEmail { get; init; }
    public string? Maintainer { get; init; }
    public string? MaintainerEmail { get; init; }
    public string? License { get; init; }
    public string? LicenseExpression { get; init; }
    public string? RequiresPython { get; init; }
    public IReadOnlyList<string> LicenseFiles { get; init; } = [];
    public IReadOnlyList<string> Classifiers { get; init; } = [];
    public IReadOnlyList<string> RequiresDist { get; init; } = [];
    public IReadOnlyList<string> RequiresExternal { get; init; } = [];

    /// <summary><c>Project-URL</c> entries as written (<c>label, url</c>); see <see cref="ProjectUrlEntries"/>.</summary>
    public IReadOnlyList<string> ProjectUrls { get; init; } = [];

    /// <summary><see cref="ProjectUrls"/> split into label and URL (both trimmed; URL empty when there is no comma).</summary>
    public IReadOnlyList<ProjectUrl> ProjectUrlEntries => ProjectUrls.Select(ProjectUrl.Parse).ToList();

    public IReadOnlyList<string> ProvidesExtra { get; init; } = [];
    public IReadOnlyList<string> ProvidesDist { get; init; } = [];
    public IReadOnlyList<string> ObsoletesDist { get; init; } = [];
    public IReadOnlyList<string> Dynamic { get; init; } = [];
    public IReadOnlyList<string> Platforms { get; init; } = [];
    public IReadOnlyList<string> SupportedPlatforms { get; init; } = [];

    /// <summary>Legacy 1.1 fields (<c>Requires</c>, <c>Provides</c>, <c>Obsoletes</c>), kept for completeness.</summary>
    public IReadOnlyList<string> Requires { get; init; } = [];
    public IReadOnlyList<string> Provides { get; init; } = [];
    public IReadOnlyList<string> Obsoletes { get; init; } = [];

    /// <summary>Metadata 2.5 (PEP 794) import names.</summary>
    public IReadOnlyList<string> ImportNames { get; init; } = [];
    public IReadOnlyList<string> ImportNamespaces { get; init; } = [];

    /// <summary>Unknown fields, duplicated single-use fields and unparseable values, in the order found.</summary>
    public IReadOnlyList<MetadataProblem> Problems { get; init; } = [];

    /// <summary>Header names (as written) that the specification does not define.</summary>
    public IEnumerable<string> UnknownFields =>
        Problems.Where(p => p.Kind == MetadataProblemKind.UnknownField).Select(p => p.Field);

    /// <summary><see cref="Keywords"/> split on commas and trimmed (the spec's list form).</summary>
    public IReadOnlyList<string> KeywordList =>
        Keywords is null ? [] : Keywords.Split(',').Select(k => k.Trim()).ToList();

    /// <summary>
    /// Parses METADATA / PKG-INFO bytes. The bytes must be UTF-8 (Core Metadata 2.1+ requires it, and the file
    /// is served verbatim to installers): invalid sequences are refused rather than replaced, so what is indexed
    /// is exactly what clients will read.
    /// </summary>
    public static bool TryParse(
        ReadOnlySpan<byte> utf8,
        [NotNullWhen(true)] out CoreMetadata? metadata,
        [NotNullWhen(false)] out string? error) =>
        CoreMetadataParser.TryParse(utf8, out metadata, out error);

    /// <summary>Parses METADATA / PKG-INFO bytes, throwing <see cref="FormatException"/> when they are malformed.</summary>
    public static CoreMetadata Parse(ReadOnlySpan<byte> utf8) =>
        TryParse(utf8, out var metadata, out var error) ? metadata : throw new FormatException(error);

    /// <summary>Parses METADATA / PKG-INFO text that has already been decoded.</summary>
    public static bool TryParse(
        string text,
        [NotNullWhen(true)] out CoreMetadata? metadata,
        [NotNullWhen(false)] out string? error) =>
        CoreMetadataParser.TryParse(text, out metadata, out error);

    /// <summary>
    /// Builds metadata from upload form fields (twine's names, e.g. <c>requires_dist</c>; repeated fields carry
    /// several values). Empty strings, which twine sends for absent fields, and <c>UNKNOWN</c> are dropped.
    /// Form fields that are not metadata (<c>:action</c>, <c>filetype</c>, digests...) are ignored.
    /// </summary>
    public static CoreMetadata FromForm(IReadOnlyDictionary<string, IReadOnlyList<string>> form) =>
        CoreMetadataBuilder.FromForm(form);
}
