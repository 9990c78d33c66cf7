namespace Bulwark.Core.Uploads;

/// <summary>
/// The text fields of a legacy upload, sanitized as Warehouse does before any check: the placeholder value
/// "UNKNOWN" (written by old setuptools for absent fields) is dropped, NUL characters are escaped, and a
/// single-valued field that arrives more than once is an error rather than a silent pick.
/// </summary>
public sealed class UploadFields
{
    /// <summary>Fields that may repeat (core-metadata multiple-use fields, plus legacy ones).</summary>
    public static readonly IReadOnlySet<string> MultiValued = new HashSet<string>(StringComparer.Ordinal)
    {
        "classifiers", "requires_dist", "provides_dist", "obsoletes_dist", "requires_external", "project_urls",
        "provides_extra", "dynamic", "license_file", "license_files", "platform", "supported_platform",
        "requires", "provides", "obsoletes",
    };

    /// <summary>
    /// Most fields one upload may carry (repeated ones counted each time). twine sends a few dozen; the bound
    /// keeps a body of millions of tiny parts from becoming millions of strings held for the checks.
    /// </summary>
    public const int MaxFields = 10_000;

    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    /// <summary>How many fields were added (UNKNOWN placeholders not counted).</summary>
    public int Count { get; private set; }

    /// <summary>True once <see cref="MaxFields"/> fields were added: the caller refuses the upload.</summary>
    public bool IsFull => Count >= MaxFields;

    public void Add(string key, string value)
    {
        if (value.Trim() == "UNKNOWN") return;
        value = value.Replace("\0", "\\x00", StringComparison.Ordinal);
        if (!_values.TryGetValue(key, out var list)) _values[key] = list = [];
        list.Add(value);
        Count++;
    }

    /// <summary>The first field that should have one value but has several, if any.</summary>
    public string? RepeatedSingleField() =>
        _values.Where(kv => kv.Value.Count > 1 && !MultiValued.Contains(kv.Key)).Select(kv => kv.Key).Order(StringComparer.Ordinal).FirstOrDefault();

    /// <summary>The value of a single-valued field, or null when absent or blank.</summary>
    public string? this[string key] => _values.TryGetValue(key, out var list) && list.Count > 0 && list[0].Length > 0 ? list[0] : null;

    public IReadOnlyList<string> All(string key) =>
        _values.TryGetValue(key, out var list) ? list.Where(v => v.Trim().Length > 0).Select(v => v.Trim()).ToList() : [];

    public IReadOnlyDictionary<string, IReadOnlyList<string>> AsDictionary() =>
        _values.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal);

    public bool Has(string key) => _values.ContainsKey(key);
}
