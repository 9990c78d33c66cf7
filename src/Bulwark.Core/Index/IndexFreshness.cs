namespace Bulwark.Core.Index;

/// <summary>
/// Keeps this process's caches current with changes other processes commit. Every request calls
/// <see cref="EnsureCurrentAsync"/> first: when the shared <see cref="IndexChangeSignal"/> differs from the
/// value read before the last completed journal poll, it polls before the request goes on. Otherwise it costs
/// one memory read. The host also calls <see cref="PollAsync"/> periodically, for writers on other machines.
/// </summary>
public sealed class IndexFreshness(JournalPoller poller, IndexChangeSignal signal)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _seen;

    /// <summary>Returns at once unless another process changed the index since the last poll; then polls first.</summary>
    public ValueTask EnsureCurrentAsync(CancellationToken ct) =>
        signal.Read() == Volatile.Read(ref _seen) ? ValueTask.CompletedTask : new ValueTask(CatchUpAsync(ct));

    /// <summary>Reads the journal now (the periodic poll, and the first poll at start).</summary>
    public async Task PollAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await PollLockedAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task CatchUpAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            // Requests that arrived together wait for one poll; after it the stamp matches and they go on.
            if (signal.Read() == Volatile.Read(ref _seen)) return;
            // Not the request's token: an abandoned request must not leave the poll half done for the others.
            await PollLockedAsync(CancellationToken.None);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task PollLockedAsync(CancellationToken ct)
    {
        // Read before the poll: a writer stores its stamp after its commit, so whatever committed before this
        // read is seen by the poll, and whatever stores a stamp after it makes the next request poll again.
        var stamp = signal.Read();
        await poller.PollOnceAsync(ct);
        Volatile.Write(ref _seen, stamp);
    }
}
