namespace Bulwark.Core.Index;

/// <summary>
/// Bounds how many index transactions one process has open at once; the others wait here, in memory, for a slot.
/// </summary>
/// <remarks>
/// <para>Why: every index write records audit events, and the audit hash chain lets one transaction at a time link
/// them (<see cref="Audit.AuditChain"/>), so writers already run one after another at the database. Without this gate
/// a burst of writers (200 parallel uploads from a CI matrix, measured by <c>UploadRaceTests</c>) each opens a
/// transaction and then waits on that lock while holding a database connection: the pool empties, and the uploads and
/// page renders that come next time out waiting for a connection (answered 500) although the database is idle. Waiting
/// here costs no connection and has no timeout but the caller's own cancellation.</para>
/// <para>Why more than one slot: the statements before the audit lock (the release and journal inserts) of the next
/// writer overlap with the commit of the current one.</para>
/// </remarks>
public sealed class IndexWriteGate : IDisposable
{
    private readonly SemaphoreSlim _slots;

    /// <summary>A gate of <paramref name="slots"/> concurrent index transactions (at least one).</summary>
    public IndexWriteGate(int slots) => _slots = new SemaphoreSlim(Math.Max(1, slots));

    /// <summary>The default: a few per core, enough to keep the database busy, far below a connection pool's size.</summary>
    public IndexWriteGate() : this(Math.Max(4, Environment.ProcessorCount * 2)) { }

    /// <summary>Slots free now (for tests and metrics).</summary>
    public int Available => _slots.CurrentCount;

    /// <summary>Waits for a slot; dispose the result to give it back.</summary>
    public async Task<IDisposable> EnterAsync(CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            // Given back once, whatever path ends the transaction (commit, rollback, dispose).
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}
