namespace Bulwark.Core.Packaging.Metadata;

/// <summary>
/// Collects raw field values (from headers or form fields) and turns them into a <see cref="CoreMetadata"/>,
/// recording duplicates and unparseable values as <see cref="MetadataProblem"/>s instead of guessing.
/// </summary>
internal sealed class CoreMetadataBuilder
{
    private readonly Dictionary<CoreMetadataField, List<string>> _values = [];
    private readonly List<MetadataProblem> _problems = [];
    private readonly HashSet<string> _reportedUnknown = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<CoreMetadataField> _overLimit = [];

    /// <summary>
    /// Records one occurrence of a field. Absent-value markers (empty, UNKNOWN) are dropped here, and so are
    /// values over <see cref="MetadataLimits"/>: those are reported as an <see cref="MetadataProblemKind.OverLimit"/>
    /// problem (once per field) and never reach a parser.
    /// </summary>
    public void Add(CoreMetadataField field, string value)
    {
        // distutils and old setuptools wrote "UNKNOWN" for fields the author left out; PyPI drops such values,
        // and so do we, so that e.g. "Home-page: UNKNOWN" is not rejected as an invalid URL.
        if (value.Length == 0 || value.AsSpan().Trim().SequenceEqual(CoreMetadata.UnknownPlaceholder))
        {
            return;
        }

        var count = _values.TryGetValue(field, out var list) ? list.Count : 0;
        var problem = count >= MetadataLimits.MaxValuesPerField ? MetadataLimits.TooManyValues(field) : MetadataLimits.Problem(field, value);
        if (problem is not null)
        {
            if (_overLimit.Add(field))
            {
                _problems.Add(new(field.Key, MetadataProblemKind.OverLimit, problem));
            }

            return;
        }

        if (list is null)
        {
            _values[field] = list = [];
        }

        list.Add(value);
    }

    /// <summary>Records a field the specification does not define (reported once per name).</summary>
    public void AddUnknown(string name)
    {
        if (_reportedUnknown.Add(name))
        {
            _problems.Add(new(name.ToLowerInvariant(), MetadataProblemKind.UnknownField,
                $"unrecognized field: {PyRepr.Str(name.ToLowerInvariant())}"));
        }
    }

    /// <summary>Records an irregularity found by the caller (e.g. a description in both header and body).</summary>
    public void AddProblem(MetadataProblem problem) => _problems.Add(problem);

    /// <summary>True when the field received at least one value.</summary>
    public bool Has(string headerName) => _values.ContainsKey(CoreMetadataField.FromHeader(headerName)!);

    public CoreMetadata Build(string? body)
    {
        var description = Single("Description");
        if (!string.IsNullOrEmpty(body))
        {
            if (Has("Description"))
            {
                // Two descriptions: neither can be trusted to be the intended one.
                _problems.Add(InvalidData("description"));
            }

            description = body;
        }

        return new CoreMetadata
        {
            MetadataVersion = Single("Metadata-Version") ?? "",
            Name = Single("Name") ?? "",
            Version = Single("Version") ?? "",
            Summary = Single("Summary"),
            Description = description,
            DescriptionContentType = Single("Description-Content-Type"),
            Keywords = Single("Keywords"),
            HomePage = Single("Home-page"),
            DownloadUrl = Single("Download-URL"),
            Author = Single("Author"),
            AuthorEmail = Single("Author-email"),
            Maintainer = Single("Maintainer"),
            MaintainerEmail = Single("Maintainer-email"),
            License = Single("License"),
            LicenseExpression = Single("License-Expression"),
            RequiresPython = Single("Requires-Python"),
            LicenseFiles = Multiple("License-File"),
            Classifiers = Multiple("Classifier"),
            RequiresDist = Multiple("Requires-Dist"),
            RequiresExternal = Multiple("Requires-External"),
            ProjectUrls = CheckedProjectUrls(),
            ProvidesExtra = Multiple("Provides-Extra"),
            ProvidesDist = Multiple("Provides-Dist"),
            ObsoletesDist = Multiple("Obsoletes-Dist"),
            Dynamic = Multiple("Dynamic"),
            Platforms = Multiple("Platform"),
            SupportedPlatforms = Multiple("Supported-Platform"),
            Requires = Multiple("Requires"),
            Provides = Multiple("Provides"),
            Obsoletes = Multiple("Obsoletes"),
            ImportNames = Multiple("Import-Name"),
            ImportNamespaces = Multiple("Import-Namespace"),
            Problems = _problems.ToList(),
        };
    }

    /// <summary>Builds metadata from upload form fields; see <see cref="CoreMetadata.FromForm"/>.</summary>
    public static CoreMetadata FromForm(IReadOnlyDictionary<string, IReadOnlyList<string>> form)
    {
        var builder = new CoreMetadataBuilder();
        foreach (var (name, values) in form)
        {
            var field = CoreMetadataField.FromFormName(name);
            if (field is null)
            {
                continue; // :action, filetype, pyversion, digests, comment...: not metadata.
            }

            foreach (var value in values)
            {
                builder.Add(field, value);
            }
        }

        return builder.Build(body: null);
    }

    private string? Single(string headerName)
    {
        var field = CoreMetadataField.FromHeader(headerName)!;
        if (!_values.TryGetValue(field, out var list))
        {
            return null;
        }

        if (list.Count > 1)
        {
            // A repeated single-use field is ambiguous (two Names, two Versions): refuse to pick one.
            _problems.Add(new(field.Key, MetadataProblemKind.DuplicateField, $"{PyRepr.Str(field.Key)} has invalid data"));
            return null;
        }

        return field.Key is "description" or "license" ? UnfoldIndented(list[0]) : list[0];
    }

    private List<string> Multiple(string headerName) =>
        _values.TryGetValue(CoreMetadataField.FromHeader(headerName)!, out var list) ? list.ToList() : [];

    private List<string> CheckedProjectUrls()
    {
        var entries = Multiple("Project-URL");
        var labels = entries.Select(e => ProjectUrl.Parse(e).Label).ToList();
        if (labels.Distinct(StringComparer.Ordinal).Count() != labels.Count)
        {
            // Two URLs under one label: which one the project meant cannot be known.
            _problems.Add(InvalidData("project-url"));
        }

        return entries;
    }

    private static MetadataProblem InvalidData(string key) =>
        new(key, MetadataProblemKind.InvalidData, $"{PyRepr.Str(key)} has invalid data");

    /// <summary>
    /// Undoes the folding of multi-line header values: continuation lines start with 7 spaces and a pipe (the
    /// Core Metadata convention for Description) or with 8 spaces (what distutils wrote); those prefixes are removed.
    /// </summary>
    private static string UnfoldIndented(string value)
    {
        if (!value.Contains('\n'))
        {
            return value;
        }

        var lines = value.Split('\n');
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith("       |", StringComparison.Ordinal) || line.StartsWith("        ", StringComparison.Ordinal))
            {
                lines[i] = line[8..];
            }
            else
            {
                lines[i] = line.TrimStart(' ', '\t');
            }
        }

        return string.Join('\n', lines);
    }
}
