using Bulwark.Core.Packaging;

namespace Bulwark.Core.Index;

public sealed partial class IndexLookups
{
    /// <summary>
    /// A project's head and its simple-API detail in one statement (one snapshot, one round trip, no
    /// DbContext): this is the whole cost of a cache miss, which a mirror walking 700,000 projects pays
    /// for every page. Null when there is no such project.
    /// </summary>
    public async Task<(ProjectHead Head, SimpleDetail Detail)?> LoadDetailAsync(string normalizedName, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = await PreparedAsync(connection,
            "SELECT p.\"Id\", p.\"Name\", p.\"LastSerial\", p.\"Lifecycle\", " +
            "r.\"Version\", r.\"Yanked\", r.\"YankedReason\", r.\"RequiresPython\", " +
            "f.\"Filename\", f.\"BlobPath\", f.\"Sha256Digest\", f.\"RequiresPython\", f.\"Size\", f.\"UploadedAt\", f.\"MetadataSha256Digest\", p.\"StatusReason\" " +
            "FROM projects AS p " +
            "LEFT JOIN releases AS r ON r.\"ProjectId\" = p.\"Id\" AND r.\"Lifecycle\" = @active " +
            "LEFT JOIN files AS f ON f.\"ReleaseId\" = r.\"Id\" " +
            "WHERE p.\"NormalizedName\" = @n", ct,
            ("@n", normalizedName), ("@active", (int)ReleaseLifecycle.Active));
        await using var reader = await command.ExecuteReaderAsync(ct);
        ProjectHead? head = null;
        string? statusReason = null;
        var versions = new HashSet<string>(StringComparer.Ordinal);
        var files = new List<IndexFile>();
        while (await reader.ReadAsync(ct))
        {
            if (head is null)
            {
                head = new ProjectHead(reader.GetInt64(0), reader.GetString(1), normalizedName, reader.GetInt64(2), (ProjectLifecycle)reader.GetInt32(3));
                statusReason = reader.IsDBNull(15) ? null : reader.GetString(15);
            }
            if (reader.IsDBNull(4)) continue;
            var version = reader.GetString(4);
            versions.Add(version);
            if (reader.IsDBNull(8)) continue;
            var releaseRequires = reader.IsDBNull(7) ? null : reader.GetString(7);
            files.Add(new IndexFile(
                reader.GetString(8), reader.GetString(9), reader.GetString(10),
                // The file's own Requires-Python when its metadata had one, else the release's.
                reader.IsDBNull(11) ? releaseRequires : reader.GetString(11),
                reader.GetInt64(12), ReadUtc(reader.GetValue(13)), reader.IsDBNull(14) ? null : reader.GetString(14),
                version, reader.GetBoolean(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }
        if (head is null) return null;
        // PEP 792: a quarantined project lists nothing.
        if (head.Status == ProjectStatus.Quarantined) return (head, new SimpleDetail(normalizedName, head.LastSerial, head.Status, [], []));
        var sortedVersions = IndexFormatting.SortByVersion(versions, v => v);
        // Warehouse's order: by version, then filename.
        var sortedFiles = IndexFormatting.SortByVersion(files, f => f.Version, f => f.Filename);
        return (head, new SimpleDetail(normalizedName, head.LastSerial, head.Status, sortedVersions, sortedFiles, statusReason));
    }
}
