namespace Bulwark.Core.Packaging;

// Placeholder replaced by the full PEP 440 implementation on merge.
public sealed class Pep440Version : IComparable<Pep440Version>
{
    private Pep440Version(string s) { Normalized = s; CanonicalForm = s; }
    public string Normalized { get; }
    public string CanonicalForm { get; }
    public bool IsPrerelease => Normalized.Any(char.IsLetter);
    public bool HasLocal => Normalized.Contains('+');
    public static bool TryParse(string text, out Pep440Version? v) { v = new Pep440Version(text.Trim().ToLowerInvariant()); return text.Length > 0; }
    public int CompareTo(Pep440Version? other) => string.CompareOrdinal(Normalized, other?.Normalized);
    public override string ToString() => Normalized;
}
