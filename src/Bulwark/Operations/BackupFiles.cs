using System.Security.Cryptography;

namespace Bulwark.Operations;

/// <summary>File helpers shared by backup and restore.</summary>
internal static class BackupFiles
{
    /// <summary>
    /// <paramref name="relative"/> under <paramref name="root"/>, or null when it would land outside it. Blob paths come
    /// from the database or from a manifest that anyone with access to the backup could have edited; neither may
    /// make a backup or a restore write outside its directory.
    /// </summary>
    public static string? Under(string root, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(root, relative));
        var prefix = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return full.StartsWith(prefix, StringComparison.Ordinal) ? full : null;
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/> (may be <see cref="Stream.Null"/>), returning the bytes' sha256 and length.</summary>
    public static async Task<(string Sha256, long Size)> CopyHashingAsync(Stream source, Stream target, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long size = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            await target.WriteAsync(buffer.AsMemory(0, read), ct);
            size += read;
        }
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), size);
    }

    /// <summary>Copies a directory tree (the data directory's keys); false when there was none.</summary>
    public static bool CopyTree(string from, string to)
    {
        if (!Directory.Exists(from)) return false;
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return true;
    }

    /// <summary>The first few entries of a non-empty directory, for a refusal that names what is in the way; null when empty or absent.</summary>
    public static string? Contents(string directory)
    {
        if (!Directory.Exists(directory)) return null;
        var names = Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).Take(6).ToList();
        return names.Count == 0 ? null : string.Join(", ", names);
    }
}
