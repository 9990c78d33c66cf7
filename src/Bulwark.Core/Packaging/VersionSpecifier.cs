using System.Diagnostics.CodeAnalysis;

namespace Bulwark.Core.Packaging;

/// <summary>The comparison operators of PEP 440 version specifiers.</summary>
public enum SpecifierOperator
{
    /// <summary><c>~=</c></summary>
    Compatible,

    /// <summary><c>==</c>, with or without a trailing <c>.*</c></summary>
    Equal,

    /// <summary><c>!=</c>, with or without a trailing <c>.*</c></summary>
    NotEqual,

    /// <summary><c>&lt;=</c></summary>
    LessThanOrEqual,

    /// <summary><c>&gt;=</c></summary>
    GreaterThanOrEqual,

    /// <summary><c>&lt;</c></summary>
    LessThan,

    /// <summary><c>&gt;</c></summary>
    GreaterThan,

    /// <summary><c>===</c>: exact, case-insensitive string match</summary>
    ArbitraryEqual,
}

/// <summary>One PEP 440 version specifier such as <c>&gt;=3.8</c>, <c>~=3.9</c> or <c>!=3.0.*</c>.</summary>
public sealed class VersionSpecifier
{
    private static readonly (string Text, SpecifierOperator Operator)[] Operators =
    [
        ("===", SpecifierOperator.ArbitraryEqual),
        ("~=", SpecifierOperator.Compatible),
        ("==", SpecifierOperator.Equal),
        ("!=", SpecifierOperator.NotEqual),
        ("<=", SpecifierOperator.LessThanOrEqual),
        (">=", SpecifierOperator.GreaterThanOrEqual),
        ("<", SpecifierOperator.LessThan),
        (">", SpecifierOperator.GreaterThan),
    ];

    private VersionSpecifier(string operatorText, SpecifierOperator op, string versionText, Pep440Version? version, bool isWildcard)
    {
        OperatorText = operatorText;
        Operator = op;
        VersionText = versionText;
        Version = version;
        IsWildcard = isWildcard;
    }

    /// <summary>The operator.</summary>
    public SpecifierOperator Operator { get; }

    /// <summary>The operator as written, e.g. <c>&gt;=</c>.</summary>
    public string OperatorText { get; }

    /// <summary>The version part as written, without surrounding white space (e.g. <c>3.0.*</c>).</summary>
    public string VersionText { get; }

    /// <summary>The parsed version (for a wildcard, its prefix); null for <c>===</c>.</summary>
    public Pep440Version? Version { get; }

    /// <summary>An <c>==</c> or <c>!=</c> prefix match ending in <c>.*</c>.</summary>
    public bool IsWildcard { get; }

    /// <summary>
    /// Parses one specifier. The grammar is PEP 440's: <c>==</c> and <c>!=</c> may carry a local label or
    /// a <c>.*</c> suffix after the release, <c>~=</c> needs at least two release components, ordered
    /// comparisons allow neither, and <c>===</c> takes any text without white space, <c>;</c> or <c>)</c>
    /// (Bulwark also requires it to be non-empty).
    /// </summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out VersionSpecifier? specifier, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        specifier = Read(PythonText.Trim(text).ToString());
        error = specifier is null ? $"Invalid specifier: {PythonText.Repr(text)}" : null;
        return specifier is not null;
    }

    /// <summary>
    /// Whether <paramref name="version"/> satisfies this specifier, evaluated mathematically: a
    /// pre-release is matched like any other version (there is no "exclude pre-releases unless asked"
    /// policy here, which is what installers apply when checking <c>Requires-Python</c>). Local labels
    /// are ignored unless an <c>==</c>/<c>!=</c> specifier names one. <c>===</c> compares the normalized
    /// form of <paramref name="version"/> case-insensitively.
    /// </summary>
    public bool Contains(Pep440Version version)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (Operator == SpecifierOperator.ArbitraryEqual)
        {
            return string.Equals(version.Normalized.ToLowerInvariant(), VersionText.ToLowerInvariant(), StringComparison.Ordinal);
        }

        var spec = Version!;
        return Operator switch
        {
            SpecifierOperator.Equal => IsWildcard ? InPrefix(version, spec) : EqualsSpec(version, spec),
            SpecifierOperator.NotEqual => IsWildcard ? !InPrefix(version, spec) : !EqualsSpec(version, spec),
            SpecifierOperator.GreaterThanOrEqual => version >= spec,
            SpecifierOperator.LessThanOrEqual => Pep440Version.Compare(version, spec, ignoreLocal: true) <= 0,
            SpecifierOperator.LessThan => version < (spec.IsPrerelease ? spec : spec.With(spec.Pre, spec.Post, 0)),
            SpecifierOperator.GreaterThan => GreaterThan(version, spec),
            SpecifierOperator.Compatible => version >= spec && BelowNextPrefix(version, spec, spec.Release.Count - 1),
            _ => false,
        };
    }

    /// <summary>The specifier as written, without inner white space, e.g. <c>&gt;=3.8</c>.</summary>
    public override string ToString() => OperatorText + VersionText;

    private static VersionSpecifier? Read(string text)
    {
        foreach (var (operatorText, op) in Operators)
        {
            if (!text.StartsWith(operatorText, StringComparison.Ordinal))
            {
                continue;
            }

            var versionText = PythonText.Trim(text.AsSpan(operatorText.Length)).ToString();
            return op == SpecifierOperator.ArbitraryEqual
                ? ReadArbitrary(operatorText, versionText)
                : ReadVersion(operatorText, op, versionText);
        }

        return null;
    }

    private static VersionSpecifier? ReadArbitrary(string operatorText, string versionText)
    {
        if (versionText.Length == 0 || versionText.Any(c => PythonText.IsWhitespace(c) || c is ';' or ')'))
        {
            return null;
        }

        return new VersionSpecifier(operatorText, SpecifierOperator.ArbitraryEqual, versionText, null, false);
    }

    private static VersionSpecifier? ReadVersion(string operatorText, SpecifierOperator op, string versionText)
    {
        if (versionText.Any(PythonText.IsWhitespace))
        {
            return null;
        }

        var isWildcard = versionText.EndsWith(".*", StringComparison.Ordinal);
        if (isWildcard && op is not (SpecifierOperator.Equal or SpecifierOperator.NotEqual))
        {
            return null;
        }

        if (!Pep440Version.TryParse(isWildcard ? versionText[..^2] : versionText, out var version))
        {
            return null;
        }

        var valid = op switch
        {
            _ when isWildcard => version is { Pre: null, Post: null, Dev: null, HasLocal: false },
            SpecifierOperator.Equal or SpecifierOperator.NotEqual => true,
            SpecifierOperator.Compatible => !version.HasLocal && version.Release.Count >= 2,
            _ => !version.HasLocal,
        };
        return valid ? new VersionSpecifier(operatorText, op, versionText, version, isWildcard) : null;
    }

    private static bool EqualsSpec(Pep440Version version, Pep440Version spec) =>
        Pep440Version.Compare(version, spec, ignoreLocal: !spec.HasLocal) == 0;

    /// <summary><c>==V.*</c>: from <c>V.dev0</c> up to, not including, the next prefix's <c>.dev0</c>.</summary>
    private static bool InPrefix(Pep440Version version, Pep440Version prefix) =>
        version >= prefix.WithReleaseDev0([.. prefix.Release]) && BelowNextPrefix(version, prefix, prefix.Release.Count);

    /// <summary>
    /// True when <paramref name="version"/> sorts below the first version after the release prefix of
    /// length <paramref name="prefixLength"/>, e.g. below <c>3.dev0</c> for the prefix <c>2</c> of <c>2.2</c>.
    /// </summary>
    private static bool BelowNextPrefix(Pep440Version version, Pep440Version spec, int prefixLength)
    {
        var next = spec.Release.Take(prefixLength).ToArray();
        if (next[^1] == long.MaxValue)
        {
            return true;
        }

        next[^1]++;
        return version < spec.WithReleaseDev0(next);
    }

    /// <summary>
    /// <c>&gt;V</c> excludes V's local versions and, unless V is a post-release, V's post-releases.
    /// For a dev or post-release V the next candidate is simply the next version ignoring local labels.
    /// </summary>
    private static bool GreaterThan(Pep440Version version, Pep440Version spec)
    {
        if (spec.Dev is not null || spec.Post is not null)
        {
            return Pep440Version.Compare(version, spec, ignoreLocal: true) > 0;
        }

        return version > spec && !(version.HasSameRelease(spec) && version.Pre == spec.Pre);
    }
}
