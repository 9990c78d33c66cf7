namespace Bulwark.Core.Packaging.Metadata;

/// <summary>
/// One field of the Core Metadata specification: its header name (as written in METADATA / PKG-INFO),
/// the name twine uses in the upload form, and whether it may appear more than once.
/// </summary>
/// <param name="HeaderName">Canonical spelling of the header, e.g. <c>Requires-Dist</c>.</param>
/// <param name="FormName">The upload form's field name, e.g. <c>requires_dist</c>.</param>
/// <param name="MultipleUse">True when the field may be repeated (each occurrence is one value).</param>
public sealed record CoreMetadataField(string HeaderName, string FormName, bool MultipleUse)
{
    /// <summary>The lower-case header name; header names are case-insensitive, and errors use this form.</summary>
    public string Key => HeaderName.ToLowerInvariant();

    /// <summary>Every field defined by Core Metadata 1.0 to 2.5.</summary>
    public static IReadOnlyList<CoreMetadataField> All { get; } =
    [
        new("Metadata-Version", "metadata_version", false),
        new("Name", "name", false),
        new("Version", "version", false),
        new("Dynamic", "dynamic", true),
        new("Platform", "platform", true),
        new("Supported-Platform", "supported_platform", true),
        new("Summary", "summary", false),
        new("Description", "description", false),
        new("Description-Content-Type", "description_content_type", false),
        new("Keywords", "keywords", false),
        new("Home-page", "home_page", false),
        new("Download-URL", "download_url", false),
        new("Author", "author", false),
        new("Author-email", "author_email", false),
        new("Maintainer", "maintainer", false),
        new("Maintainer-email", "maintainer_email", false),
        new("License", "license", false),
        new("License-Expression", "license_expression", false),
        new("License-File", "license_file", true),
        new("Classifier", "classifiers", true),
        new("Requires-Dist", "requires_dist", true),
        new("Requires-Python", "requires_python", false),
        new("Requires-External", "requires_external", true),
        new("Project-URL", "project_urls", true),
        new("Provides-Extra", "provides_extra", true),
        new("Provides-Dist", "provides_dist", true),
        new("Obsoletes-Dist", "obsoletes_dist", true),
        new("Requires", "requires", true),
        new("Provides", "provides", true),
        new("Obsoletes", "obsoletes", true),
        new("Import-Name", "import_name", true),
        new("Import-Namespace", "import_namespace", true),
    ];

    private static readonly Dictionary<string, CoreMetadataField> ByKey =
        All.ToDictionary(f => f.Key, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, CoreMetadataField> ByForm = BuildFormIndex();

    /// <summary>Finds a field by its header name, ignoring case.</summary>
    public static CoreMetadataField? FromHeader(string headerName) =>
        ByKey.GetValueOrDefault(headerName);

    /// <summary>Finds a field by its upload-form name (exact, as forms are case-sensitive).</summary>
    public static CoreMetadataField? FromFormName(string formName) => ByForm.GetValueOrDefault(formName);

    private static Dictionary<string, CoreMetadataField> BuildFormIndex()
    {
        var index = All.ToDictionary(f => f.FormName, StringComparer.Ordinal);
        // twine 4 sends the plural spelling for extras; older clients and Warehouse's form use the singular.
        index["provides_extras"] = index["provides_extra"];
        index["license_files"] = index["license_file"];
        index["platforms"] = index["platform"];
        index["supported_platforms"] = index["supported_platform"];
        return index;
    }
}
