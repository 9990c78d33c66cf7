namespace Bulwark.Core.Downloads;

/// <summary>Downloads of one file on one UTC day. Written in batches by <see cref="DownloadCounter"/>.</summary>
public sealed class DownloadCount
{
    public long FileId { get; set; }
    public DateOnly Day { get; set; }
    /// <summary>Denormalised so project totals over a window need no join.</summary>
    public long ProjectId { get; set; }
    public long Count { get; set; }
}
