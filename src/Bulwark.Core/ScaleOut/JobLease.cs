namespace Bulwark.Core.ScaleOut;

/// <summary>
/// When a scheduled job last ran anywhere in the deployment, and on which instance. A run is claimed by moving
/// <see cref="LastRunAt"/> forward with a conditional update, so of several instances due at about the same
/// time exactly one runs the job (see <see cref="JobLeases"/>).
/// </summary>
public sealed class JobLease
{
    /// <summary>The job's fixed name, e.g. <c>critical-recompute</c>.</summary>
    public required string Name { get; set; }

    /// <summary>The instance that claimed the last run (host name and process id), for operators.</summary>
    public required string Holder { get; set; }

    public DateTimeOffset LastRunAt { get; set; }
}
