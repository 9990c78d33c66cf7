using System.Globalization;

namespace Bulwark.Core.Packaging;

/// <summary>One dot-separated part of a local version label: a number or lower-case alphanumeric text.</summary>
internal readonly record struct LocalVersionSegment(long? Number, string? Text) : IComparable<LocalVersionSegment>
{
    /// <summary>PEP 440: numeric parts sort above alphanumeric ones, numbers numerically, text lexicographically.</summary>
    public int CompareTo(LocalVersionSegment other) => (Number, other.Number) switch
    {
        (long left, long right) => left.CompareTo(right),
        (not null, null) => 1,
        (null, not null) => -1,
        _ => Math.Sign(string.CompareOrdinal(Text, other.Text)),
    };

    public override string ToString() => Number?.ToString(CultureInfo.InvariantCulture) ?? Text!;
}
