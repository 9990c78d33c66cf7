using System.Collections.Frozen;

namespace Bulwark.Core.Accounts.Passwords;

/// <summary>
/// The embedded list of common and breached passwords (lower-case). Loaded once, on first use; see
/// <c>Data/README.md</c> for its source and licence.
/// </summary>
public sealed class CommonPasswordList
{
    private const string ResourceName = "Bulwark.Core.Accounts.Passwords.Data.common-passwords.txt";
    private static readonly Lazy<CommonPasswordList> Embedded = new(Load);

    private readonly FrozenSet<string> _entries;

    public CommonPasswordList(IEnumerable<string> entries) =>
        _entries = entries.Select(e => e.ToLowerInvariant()).ToFrozenSet(StringComparer.Ordinal);

    public static CommonPasswordList Default => Embedded.Value;

    public int Count => _entries.Count;

    /// <summary>Case-insensitive, as the list itself is lower-cased.</summary>
    public bool Contains(string candidate) => _entries.Contains(candidate.ToLowerInvariant());

    private static CommonPasswordList Load()
    {
        using var stream = typeof(CommonPasswordList).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        var entries = new List<string>(50_000);
        reader.ReadLine(); // header naming the source
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0) entries.Add(line);
        }
        return new CommonPasswordList(entries);
    }
}
