using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Bulwark.Core.Packaging;

/// <summary>
/// A PEP 440 version: parsed from any spelling PEP 440 accepts, normalized as PEP 440 prescribes,
/// and ordered by PEP 440's rules. Equality follows the ordering, so <c>1.0</c> equals <c>1.0.0</c>
/// and <c>1.0+Ubuntu-1</c> equals <c>1.0+ubuntu.1</c>.
/// </summary>
/// <remarks>
/// Numbers are held as <see cref="long"/>; a numeric component above <see cref="long.MaxValue"/> is
/// refused rather than truncated. Only ASCII input is accepted.
/// </remarks>
public sealed class Pep440Version : IComparable<Pep440Version>, IEquatable<Pep440Version>, IComparable
{
    /// <summary>The longest version text accepted, surrounding white space included.</summary>
    public const int MaxLength = 512;

    private readonly long[] _release;
    private readonly int _trimmedLength;
    private readonly LocalVersionSegment[]? _local;

    internal Pep440Version(long epoch, long[] release, PreRelease? pre, long? post, long? dev, LocalVersionSegment[]? local)
    {
        Epoch = epoch;
        _release = release;
        Pre = pre;
        Post = post;
        Dev = dev;
        _local = local is { Length: > 0 } ? local : null;

        _trimmedLength = release.Length;
        while (_trimmedLength > 0 && release[_trimmedLength - 1] == 0)
        {
            _trimmedLength--;
        }

        Release = Array.AsReadOnly(release);
        Local = _local is null ? null : string.Join('.', _local);
        Normalized = Format(release.Length, withLocal: true);
        CanonicalForm = Format(Math.Max(1, _trimmedLength), withLocal: true);
    }

    /// <summary>The epoch (<c>N!</c>), 0 when absent.</summary>
    public long Epoch { get; }

    /// <summary>The release segment as written, trailing zeros included (<c>1.0.0</c> gives 1, 0, 0).</summary>
    public IReadOnlyList<long> Release { get; }

    /// <summary>The pre-release segment, or null.</summary>
    public PreRelease? Pre { get; }

    /// <summary>The post-release number, or null. An implicit number (<c>1.0.post</c>) is 0.</summary>
    public long? Post { get; }

    /// <summary>The development release number, or null. An implicit number (<c>1.0.dev</c>) is 0.</summary>
    public long? Dev { get; }

    /// <summary>The normalized local version label without its <c>+</c> (e.g. <c>ubuntu.1</c>), or null.</summary>
    public string? Local { get; }

    /// <summary>A pre-release or development release.</summary>
    public bool IsPrerelease => Pre is not null || Dev is not null;

    /// <summary>Has a post-release segment.</summary>
    public bool IsPostRelease => Post is not null;

    /// <summary>Has a development release segment.</summary>
    public bool IsDevRelease => Dev is not null;

    /// <summary>Has a local version label.</summary>
    public bool HasLocal => _local is not null;

    /// <summary>The PEP 440 normalized form, e.g. <c>1.0rc1</c> or <c>1!2.0.post1.dev3+ubuntu.1</c>.</summary>
    public string Normalized { get; }

    /// <summary>
    /// The normalized form with trailing zeros stripped from the release (<c>1.0.0</c> becomes <c>1</c>,
    /// <c>0.0</c> becomes <c>0</c>); equal versions share it, so releases are matched on it.
    /// </summary>
    public string CanonicalForm { get; }

    /// <summary>The normalized form without the local label.</summary>
    public string Public => _local is null ? Normalized : Normalized[..Normalized.IndexOf('+')];

    /// <summary>Epoch and release only, e.g. <c>1!2.0</c> for <c>1!2.0rc1.post2</c>.</summary>
    public string BaseVersion => Format(_release.Length, withLocal: false, suffixes: false);

    /// <summary>Parses <paramref name="text"/>; returns false for anything PEP 440 does not accept.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out Pep440Version? version)
    {
        version = text is null ? null : Pep440VersionParser.Parse(text, out _);
        return version is not null;
    }

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="FormatException">The text is not a valid PEP 440 version.</exception>
    public static Pep440Version Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Pep440VersionParser.Parse(text, out var problem)
            ?? throw new FormatException(problem is null
                ? $"Invalid version: {PythonText.Repr(text)}"
                : $"Invalid version: {PythonText.Repr(text)} ({problem})");
    }

    /// <summary>PEP 440 ordering: dev releases, then pre-releases, the release, then post-releases; local labels last.</summary>
    public int CompareTo(Pep440Version? other) => other is null ? 1 : Compare(this, other, ignoreLocal: false);

    int IComparable.CompareTo(object? obj) => obj switch
    {
        null => 1,
        Pep440Version other => CompareTo(other),
        _ => throw new ArgumentException("Object must be a Pep440Version.", nameof(obj)),
    };

    /// <summary>True when the versions compare equal under PEP 440.</summary>
    public bool Equals(Pep440Version? other) => other is not null && Compare(this, other, ignoreLocal: false) == 0;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Pep440Version other && Equals(other);

    /// <summary>Consistent with <see cref="Equals(Pep440Version)"/>: trailing release zeros do not count.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Epoch);
        for (var i = 0; i < _trimmedLength; i++)
        {
            hash.Add(_release[i]);
        }

        hash.Add(Pre);
        hash.Add(Post);
        hash.Add(Dev);
        foreach (var segment in _local ?? [])
        {
            hash.Add(segment);
        }

        return hash.ToHashCode();
    }

    /// <summary>The normalized form.</summary>
    public override string ToString() => Normalized;

    /// <summary>Equality under PEP 440.</summary>
    public static bool operator ==(Pep440Version? left, Pep440Version? right) =>
        left is null ? right is null : left.Equals(right);

    /// <summary>Inequality under PEP 440.</summary>
    public static bool operator !=(Pep440Version? left, Pep440Version? right) => !(left == right);

    /// <summary>PEP 440 ordering.</summary>
    public static bool operator <(Pep440Version left, Pep440Version right) => left.CompareTo(right) < 0;

    /// <summary>PEP 440 ordering.</summary>
    public static bool operator >(Pep440Version left, Pep440Version right) => left.CompareTo(right) > 0;

    /// <summary>PEP 440 ordering.</summary>
    public static bool operator <=(Pep440Version left, Pep440Version right) => left.CompareTo(right) <= 0;

    /// <summary>PEP 440 ordering.</summary>
    public static bool operator >=(Pep440Version left, Pep440Version right) => left.CompareTo(right) >= 0;

    /// <summary>Compares two versions, optionally as if neither had a local label.</summary>
    internal static int Compare(Pep440Version a, Pep440Version b, bool ignoreLocal)
    {
        if (ReferenceEquals(a, b))
        {
            return 0;
        }

        var result = a.Epoch.CompareTo(b.Epoch);
        if (result == 0)
        {
            result = CompareRelease(a, b);
        }

        if (result == 0)
        {
            result = a.PreKey().CompareTo(b.PreKey());
        }

        if (result == 0)
        {
            result = (a.Post is not null, a.Post ?? 0).CompareTo((b.Post is not null, b.Post ?? 0));
        }

        if (result == 0)
        {
            result = (a.Dev is null, a.Dev ?? 0).CompareTo((b.Dev is null, b.Dev ?? 0));
        }

        if (result == 0 && !ignoreLocal)
        {
            result = CompareLocal(a._local, b._local);
        }

        return Math.Sign(result);
    }

    /// <summary>Same epoch and the same release once trailing zeros are ignored.</summary>
    internal bool HasSameRelease(Pep440Version other) =>
        Epoch == other.Epoch && _release.AsSpan(0, _trimmedLength).SequenceEqual(other._release.AsSpan(0, other._trimmedLength));

    /// <summary>This version's epoch and release with the given suffixes and no local label.</summary>
    internal Pep440Version With(PreRelease? pre, long? post, long? dev) => new(Epoch, _release, pre, post, dev, null);

    /// <summary>A version with this epoch and the given release, as a <c>.dev0</c> (the lowest version of that release).</summary>
    internal Pep440Version WithReleaseDev0(long[] release) => new(Epoch, release, null, null, 0, null);

    /// <summary>Orders "dev only" below any pre-release, and "no pre-release" above any.</summary>
    private (int Kind, int Rank, long Number) PreKey() => Pre switch
    {
        { } pre => (0, pre.Rank, pre.Number),
        null when Post is null && Dev is not null => (-1, 0, 0),
        null => (1, 0, 0),
    };

    private static int CompareRelease(Pep440Version a, Pep440Version b) =>
        a._release.AsSpan(0, a._trimmedLength).SequenceCompareTo(b._release.AsSpan(0, b._trimmedLength));

    private static int CompareLocal(LocalVersionSegment[]? a, LocalVersionSegment[]? b)
    {
        if (a is null || b is null)
        {
            return (a is not null).CompareTo(b is not null);
        }

        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var result = a[i].CompareTo(b[i]);
            if (result != 0)
            {
                return result;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    private string Format(int releaseLength, bool withLocal, bool suffixes = true)
    {
        var builder = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        if (Epoch != 0)
        {
            builder.Append(invariant, $"{Epoch}!");
        }

        for (var i = 0; i < releaseLength; i++)
        {
            builder.Append(invariant, $"{(i == 0 ? "" : ".")}{_release[i]}");
        }

        if (suffixes)
        {
            builder.Append(Pre?.ToString());
            if (Post is { } post)
            {
                builder.Append(invariant, $".post{post}");
            }

            if (Dev is { } dev)
            {
                builder.Append(invariant, $".dev{dev}");
            }
        }

        if (withLocal && Local is not null)
        {
            builder.Append('+').Append(Local);
        }

        return builder.ToString();
    }
}
