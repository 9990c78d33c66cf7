using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bulwark.Operations;

/// <summary>One blob of a backup: its path in the store, its size and the sha256 of its bytes at backup time.</summary>
public sealed record BackupBlob(string Path, long Size, string Sha256);

/// <summary>
/// Where the objects of an S3 backup live (they are listed, not copied): the endpoint (empty for AWS itself), the
/// bucket and the key prefix, as configured when the backup was taken. Restore names them when the objects it looks
/// for are not in the store it is configured with.
/// </summary>
public sealed record BackupBucket(string? ServiceUrl, string Bucket, string Prefix)
{
    private const string Section = "Bulwark:Storage:S3";

    /// <summary>
    /// The bucket <paramref name="configuration"/> names. Read as plain settings rather than through the S3 options
    /// type, so that a backup of a disk-only install never loads the object store's assemblies.
    /// </summary>
    public static BackupBucket From(IConfiguration configuration) =>
        new(configuration[$"{Section}:ServiceUrl"], configuration[$"{Section}:Bucket"] ?? "", (configuration[$"{Section}:Prefix"] ?? "").Trim().Trim('/'));

    public override string ToString() =>
        $"bucket '{Bucket}' {(Prefix.Length == 0 ? "(no key prefix)" : $"under prefix '{Prefix}/'")}{(string.IsNullOrWhiteSpace(ServiceUrl) ? "" : $" at {ServiceUrl}")}";
}

/// <summary>How many rows of each kind the database snapshot holds (what an operator checks a restore against).</summary>
public sealed record BackupCounts(int Users, int ApiTokens, int Projects, int Releases, int Files, int AuditEvents, int Blobs);

/// <summary>
/// <c>manifest.json</c> of a backup directory. It is written last, so a directory with a manifest holds a finished
/// backup; restore checks every blob against it before it reports success. <see cref="Bucket"/> is set when the blobs
/// stayed in an S3 bucket (<see cref="BlobsCopied"/> false); manifests written before it existed read it as null.
/// </summary>
public sealed record BackupManifest(
    int FormatVersion,
    string BulwarkVersion,
    string Database,
    string Storage,
    DateTimeOffset CreatedUtc,
    BackupCounts Counts,
    IReadOnlyList<BackupBlob> Blobs,
    IReadOnlyList<string> MissingBlobs,
    bool BlobsCopied,
    bool KeysCopied,
    BackupBucket? Bucket = null)
{
    /// <summary>The format this version writes and reads; a backup in another format is refused by name.</summary>
    public const int CurrentFormat = 1;

    public const string FileName = "manifest.json";
    public const string SqliteFile = "bulwark.db";
    public const string PostgresFile = "database.dump";
    public const string FilesDirectory = "files";
    public const string KeysDirectory = "keys";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Writes the manifest through a temp file and a rename, so a half-written manifest never exists.</summary>
    public async Task WriteAsync(string directory, CancellationToken ct)
    {
        var path = Path.Combine(directory, FileName);
        var temp = path + ".tmp";
        await using (var stream = File.Create(temp))
        {
            await JsonSerializer.SerializeAsync(stream, this, Json, ct);
            await stream.FlushAsync(ct);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path);
    }

    /// <summary>Reads a manifest; null when the file does not exist or is not a manifest.</summary>
    public static async Task<BackupManifest?> ReadAsync(string directory, CancellationToken ct)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<BackupManifest>(stream, Json, ct);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
