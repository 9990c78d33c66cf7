using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.ScaleOut;

/// <summary>
/// Makes a scheduled job run once per interval across every instance sharing the database: before each run an
/// instance claims it with <see cref="TryClaimAsync"/>, and only the one whose claim succeeds runs.
/// </summary>
/// <remarks>
/// <para>Why a lease row and not a PostgreSQL advisory lock: a lock only keeps two runs from overlapping; two
/// instances whose timers fire an hour apart would still both run a daily job. The row records when the job
/// last ran, so a claim means "not run within this interval by anyone", which also survives restarts (a
/// restarted instance does not repeat a run another one just did). It is one conditional UPDATE, the same on
/// SQLite and PostgreSQL, and the row tells an operator where and when the job last ran.</para>
/// <para>The claim is atomic: the UPDATE's condition is checked against the committed row under its row lock
/// (PostgreSQL) or the database write lock (SQLite), so of two instances claiming at once exactly one updates a
/// row. A run that starts and then fails is not repeated until the next interval; every job here starts from
/// the database again, so nothing is lost but time.</para>
/// </remarks>
public sealed class JobLeases(BulwarkDbContext db, TimeProvider time)
{
    /// <summary>
    /// Timers of different instances drift; a run claimed slightly less than one interval after the previous
    /// one still counts as the next run instead of being skipped for a whole interval.
    /// </summary>
    public const double Tolerance = 0.1;

    /// <summary>This process, as written into the lease: host name and process id.</summary>
    public static readonly string Instance = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>
    /// Claims the run of <paramref name="job"/> due now. True when no instance ran it within the last
    /// <paramref name="interval"/> (less the tolerance); the caller then runs it. False: another instance has.
    /// </summary>
    public async Task<bool> TryClaimAsync(string job, TimeSpan interval, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var claimedBefore = now - interval * (1 - Tolerance);
        if (!await db.JobLeases.AsNoTracking().AnyAsync(l => l.Name == job, ct))
        {
            db.JobLeases.Add(new JobLease { Name = job, Holder = Instance, LastRunAt = now });
            try
            {
                await db.SaveChangesAsync(ct);
                return true;
            }
            catch (DbUpdateException)
            {
                // Another instance created the row at the same moment: it has this run.
                db.ChangeTracker.Clear();
                return false;
            }
        }
        var claimed = await db.JobLeases
            .Where(l => l.Name == job && l.LastRunAt <= claimedBefore)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.LastRunAt, now).SetProperty(l => l.Holder, Instance), ct);
        return claimed == 1;
    }
}
