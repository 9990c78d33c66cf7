using System.Text.RegularExpressions;

namespace Bulwark.Core.Packaging;

/// <summary>Project names: validity, PEP 503 normalization and the derived forms Bulwark compares on.</summary>
public static partial class ProjectName
{
    /// <summary>
    /// The longest name Bulwark accepts. PEP 508 sets no limit; this one keeps a wheel filename
    /// (name, version and tags) within the 255-byte file name limit of common file systems.
    /// </summary>
    public const int MaxLength = 200;

    /// <summary>PEP 503: lower-case, and every run of <c>-</c>, <c>_</c> or <c>.</c> becomes one <c>-</c>.</summary>
    public static string Normalize(string name) => SeparatorRun().Replace(name, "-").ToLowerInvariant();

    /// <summary>
    /// Whether <paramref name="name"/> is a valid project name: ASCII letters and digits, with <c>.</c>,
    /// <c>_</c> and <c>-</c> allowed between them (the core metadata <c>Name</c> rule), at most
    /// <see cref="MaxLength"/> characters. Unlike Python's case-insensitive match, only ASCII letters count.
    /// </summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>
    /// The "too similar" form used to refuse look-alike names: lower-cased, <c>.</c>, <c>_</c> and
    /// <c>-</c> removed, <c>l</c> and <c>i</c> mapped to <c>1</c>, <c>o</c> mapped to <c>0</c>.
    /// Two names collide when their ultranormalized forms are equal.
    /// </summary>
    public static string Ultranormalize(string name)
    {
        var buffer = new char[name.Length];
        var length = 0;
        foreach (var c in name.ToLowerInvariant())
        {
            if (c is '.' or '_' or '-')
            {
                continue;
            }

            buffer[length++] = c switch
            {
                'l' or 'i' => '1',
                'o' => '0',
                _ => c,
            };
        }

        return new string(buffer, 0, length);
    }

    /// <summary>
    /// The name as it starts a wheel or sdist filename (binary distribution format escaping, PEP 625):
    /// the normalized name with <c>_</c> in place of <c>-</c>, e.g. <c>Foo.Bar</c> becomes <c>foo_bar</c>.
    /// </summary>
    public static string ToWheelPrefix(string name) => Normalize(name).Replace('-', '_');

    // A single character class repeated: the match is linear, whatever the name (it is also applied to names
    // that are not valid, e.g. the one a token scope is compared with).
    [GeneratedRegex("[-_.]+")]
    private static partial Regex SeparatorRun();
}
