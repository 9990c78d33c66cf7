namespace Bulwark.Core.Packaging;

/// <summary>
/// An append-only change log of the index. Its id is the global serial (PEP 691 <c>_last-serial</c>);
/// caches of rendered pages compare serials, so every write path appends here in the same transaction.
/// </summary>
public sealed class JournalEntry
{
    public long Id { get; set; }
    public required string ProjectName { get; set; }
    public string? Version { get; set; }
    public string? Filename { get; set; }
    public required string Action { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public long? UserId { get; set; }
}
