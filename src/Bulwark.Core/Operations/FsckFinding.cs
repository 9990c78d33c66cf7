namespace Bulwark.Core.Operations;

/// <summary>The kinds of damage <see cref="StoreCheck"/> looks for.</summary>
public enum FsckFindingKind
{
    /// <summary>A blob in the store that no file row uses.</summary>
    OrphanBlob,
    /// <summary>A file row whose blob is not in the store.</summary>
    MissingBlob,
    /// <summary>A blob whose bytes do not hash to the digests recorded for its file.</summary>
    DigestMismatch,
    /// <summary>A wheel row that records PEP 658 metadata whose <c>.metadata</c> blob is absent.</summary>
    MissingMetadata,
    /// <summary>A <c>.metadata</c> blob whose bytes do not hash to the recorded metadata digest.</summary>
    MetadataMismatch,
    /// <summary>A project whose <c>LastSerial</c> is not the id of its newest journal entry.</summary>
    StaleSerial,
    /// <summary>A project whose recorded total size is not the sum of its files' sizes.</summary>
    TotalSizeMismatch,
    /// <summary>An upload intent record (or temp file) left by a process that died mid-upload.</summary>
    PendingLeftover,
}

/// <summary>One problem found, and what a repair did about it (null when it was not repaired).</summary>
public sealed record FsckFinding(FsckFindingKind Kind, string Subject, string Detail)
{
    /// <summary>What the repair did; null when the finding was left (no repair asked for, or none possible).</summary>
    public string? Repaired { get; init; }

    /// <summary>Why a requested repair was not made; null otherwise.</summary>
    public string? NotRepaired { get; init; }
}
