using System.Security.Cryptography;
using Bulwark.Core.Storage;
using Bulwark.Storage.S3;
using Bulwark.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bulwark.Tests.Storage;

/// <summary>What every blob store promises, checked on the file system and on a real S3-protocol server.</summary>
public abstract class BlobStoreContractTests : IAsyncLifetime
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "bulwark-blob-tests", Guid.NewGuid().ToString("N"));

    protected IBlobStore Store { get; private set; } = null!;

    protected abstract Task<IBlobStore> CreateStoreAsync(string scratch);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_scratch);
        Store = await CreateStoreAsync(_scratch);
    }

    public virtual Task DisposeAsync()
    {
        (Store as IDisposable)?.Dispose();
        try { Directory.Delete(_scratch, recursive: true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    protected static string NewPath(string filename = "pkg-1.0-py3-none-any.whl")
    {
        var hex = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        return $"{hex[..2]}/{hex[2..4]}/{hex[4..]}/{filename}";
    }

    protected string TempFile(byte[] content)
    {
        var path = Path.Combine(Store.TempDirectory, Guid.NewGuid().ToString("N") + ".upload");
        File.WriteAllBytes(path, content);
        return path;
    }

    protected async Task<byte[]?> ReadAllAsync(string path)
    {
        await using var stream = await Store.OpenReadAsync(path);
        if (stream is null) return null;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task Bytes_are_put_read_listed_and_deleted()
    {
        var path = NewPath();
        var content = RandomNumberGenerator.GetBytes(3000);

        Assert.False(await Store.ExistsAsync(path));
        Assert.Null(await Store.OpenReadAsync(path));
        Assert.Equal(BlobPutResult.Created, await Store.PutBytesAsync(path, content));
        Assert.True(await Store.ExistsAsync(path));
        Assert.Equal(content, await ReadAllAsync(path));
        var listed = new List<StoredBlob>();
        await foreach (var blob in Store.ListAsync()) listed.Add(blob);
        Assert.Contains(listed, b => b.Path == path && b.Size == content.Length);

        Assert.True(await Store.DeleteAsync(path));
        Assert.False(await Store.ExistsAsync(path));
        Assert.False(await Store.DeleteAsync(path), "a second delete finds nothing");
    }

    [Fact]
    public async Task Same_bytes_again_already_exist_and_other_bytes_conflict_without_overwriting()
    {
        var path = NewPath();
        var content = RandomNumberGenerator.GetBytes(5000);
        var first = TempFile(content);
        Assert.Equal(BlobPutResult.Created, await Store.PutFileAsync(path, first));

        var again = TempFile(content);
        Assert.Equal(BlobPutResult.AlreadyExists, await Store.PutFileAsync(path, again));
        Assert.True(File.Exists(again), "the source file is left to the caller when nothing was stored");

        var other = TempFile(RandomNumberGenerator.GetBytes(4000));
        Assert.Equal(BlobPutResult.Conflict, await Store.PutFileAsync(path, other));
        Assert.Equal(BlobPutResult.AlreadyExists, await Store.PutBytesAsync(path, content));
        Assert.Equal(BlobPutResult.Conflict, await Store.PutBytesAsync(path, RandomNumberGenerator.GetBytes(5000)));
        Assert.Equal(content, await ReadAllAsync(path));
    }

    [Fact]
    public async Task A_read_stream_seeks_so_ranges_can_be_served()
    {
        var path = NewPath();
        var content = RandomNumberGenerator.GetBytes(200_000);
        await Store.PutBytesAsync(path, content);

        await using var stream = await Store.OpenReadAsync(path);
        Assert.NotNull(stream);
        Assert.True(stream.CanSeek);
        Assert.Equal(content.Length, stream.Length);
        var head = new byte[100];
        await stream.ReadExactlyAsync(head);
        Assert.Equal(content[..100], head);

        stream.Seek(150_000, SeekOrigin.Begin);
        var middle = new byte[1000];
        await stream.ReadExactlyAsync(middle);
        Assert.Equal(content[150_000..151_000], middle);

        stream.Position = 10;
        var again = new byte[10];
        await stream.ReadExactlyAsync(again);
        Assert.Equal(content[10..20], again);

        stream.Seek(-5, SeekOrigin.End);
        var tail = new byte[10];
        Assert.Equal(5, await stream.ReadAtLeastAsync(tail, 10, throwOnEndOfStream: false));
        Assert.Equal(content[^5..], tail[..5]);
    }

    [Fact]
    public async Task Paths_that_leave_the_layout_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutBytesAsync("../outside", new byte[] { 1 }));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ExistsAsync("aa/../../outside"));
    }

    [Fact]
    public async Task The_store_reports_itself_available()
    {
        await Store.CheckAvailableAsync();
    }
}

public sealed class FileSystemBlobStoreTests : BlobStoreContractTests
{
    protected override Task<IBlobStore> CreateStoreAsync(string scratch) => Task.FromResult<IBlobStore>(new FileSystemBlobStore(Path.Combine(scratch, "files")));

    [Fact]
    public async Task Temp_files_are_not_listed_as_blobs()
    {
        TempFile([1, 2, 3]);
        await foreach (var blob in Store.ListAsync()) Assert.DoesNotContain(".tmp", blob.Path);
    }
}

public sealed class S3BlobStoreContractTests : BlobStoreContractTests
{
    private S3TestServer? _s3;

    protected override async Task<IBlobStore> CreateStoreAsync(string scratch)
    {
        _s3 = await S3TestServer.StartAsync();
        return new S3BlobStore(_s3.CreateClient(), _s3.Options("contract/"), Path.Combine(scratch, "temp"), NullLogger<S3BlobStore>.Instance);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_s3 is not null) await _s3.DisposeAsync();
    }
}
