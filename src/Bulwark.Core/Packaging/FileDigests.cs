using System.Security.Cryptography;


namespace Bulwark.Core.Packaging;

/// <summary>The three digests PyPI records for every file, as lowercase hex.</summary>
public sealed record FileDigests(string Md5, string Sha256, string Blake2b256)
{
    /// <summary>Content-addressed blob path, Warehouse's layout: blake2b hex [0:2]/[2:4]/[4:]/filename.</summary>
    public string BlobPath(string filename) =>
        $"{Blake2b256[..2]}/{Blake2b256[2..4]}/{Blake2b256[4..]}/{filename}";

    public static FileDigests Compute(ReadOnlySpan<byte> data)
    {
        using var hasher = new MultiHasher();
        hasher.Append(data);
        return hasher.Finish();
    }
}

/// <summary>Feeds one pass over a stream to MD5, SHA-256 and BLAKE2b-256 at once.</summary>
public sealed class MultiHasher : IDisposable
{
    private readonly System.Security.Cryptography.IncrementalHash _md5 = System.Security.Cryptography.IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly System.Security.Cryptography.IncrementalHash _sha256 = System.Security.Cryptography.IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private NSec.Cryptography.IncrementalHash _blake2;

    public MultiHasher()
    {
        NSec.Cryptography.IncrementalHash.Initialize(NSec.Cryptography.HashAlgorithm.Blake2b_256, out _blake2);
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        _md5.AppendData(data);
        _sha256.AppendData(data);
        NSec.Cryptography.IncrementalHash.Update(ref _blake2, data);
    }

    /// <summary>
    /// The same as <see cref="Append"/>, with the three hashes on separate threads: for a large upload the
    /// hashes are most of the CPU work, and one after the other they take longer than the transfer.
    /// </summary>
    public void AppendConcurrently(ReadOnlyMemory<byte> data)
    {
        if (data.Length < 256 * 1024)
        {
            Append(data.Span);
            return;
        }
        Parallel.Invoke(
            () => _md5.AppendData(data.Span),
            () => _sha256.AppendData(data.Span),
            () => NSec.Cryptography.IncrementalHash.Update(ref _blake2, data.Span));
    }

    /// <summary>Streams <paramref name="stream"/> to its end through the three hashes, returning its length and digests.</summary>
    public static async Task<(long Size, FileDigests Digests)> HashAsync(Stream stream, CancellationToken ct)
    {
        using var hasher = new MultiHasher();
        var buffer = new byte[1 << 20];
        long size = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            hasher.Append(buffer.AsSpan(0, read));
            size += read;
        }
        return (size, hasher.Finish());
    }

    public FileDigests Finish() => new(
        Convert.ToHexStringLower(_md5.GetHashAndReset()),
        Convert.ToHexStringLower(_sha256.GetHashAndReset()),
        Convert.ToHexStringLower(NSec.Cryptography.IncrementalHash.Finalize(ref _blake2)));

    public void Dispose()
    {
        _md5.Dispose();
        _sha256.Dispose();
    }
}
