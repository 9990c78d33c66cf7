namespace Bulwark.Core.Index;

/// <summary>
/// Change counters that cached index data is validated against, instead of asking the database on every
/// request. Each project name maps to one of a fixed number of stripes; a change to a project increments its
/// stripe (and the global counter). A cached page remembers the stripe value read <em>before</em> the data it
/// was rendered from, and is served only while the stripe still has that value.
/// </summary>
/// <remarks>
/// Stripes keep memory fixed whatever the number of projects; two projects sharing a stripe only cost each
/// other an occasional extra render. Writers must call <see cref="Changed"/> <em>after</em> their commit: a
/// render that read the database before the commit then holds an older stripe value and is never served
/// afterwards, while one that read after the commit is at worst rendered once more.
/// </remarks>
public sealed class IndexGenerations
{
    private const int StripeCount = 1 << 14;
    private readonly long[] _stripes = new long[StripeCount];
    private long _global;

    /// <summary>Incremented on every change of any project; see <see cref="Changed"/> for the order of increments.</summary>
    public long Global => Volatile.Read(ref _global);

    /// <summary>The current generation of a project's stripe, by normalized name.</summary>
    public long Of(string normalizedName) => Volatile.Read(ref _stripes[Stripe(normalizedName)]);

    /// <summary>Marks a project (by normalized name) as changed.</summary>
    public void Changed(string normalizedName)
    {
        // Global first: a reader that saw the new stripe value also sees a changed global counter, which is
        // what lookups keyed by something other than the project name rely on (see FileLookupCache).
        Interlocked.Increment(ref _global);
        Interlocked.Increment(ref _stripes[Stripe(normalizedName)]);
    }

    /// <summary>Invalidates everything, for when the change feed lost track (e.g. a burst larger than one poll reads).</summary>
    public void ChangedAll()
    {
        Interlocked.Increment(ref _global);
        for (var i = 0; i < _stripes.Length; i++) Interlocked.Increment(ref _stripes[i]);
    }

    private static int Stripe(string name)
    {
        // A fixed hash (not string.GetHashCode, which is randomized per process) keeps stripes stable for tests.
        var h = 2166136261u;
        foreach (var c in name) h = (h ^ c) * 16777619u;
        return (int)(h & (StripeCount - 1));
    }
}
