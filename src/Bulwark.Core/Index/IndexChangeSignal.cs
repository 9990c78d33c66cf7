using System.IO.MemoryMappedFiles;

namespace Bulwark.Core.Index;

/// <summary>
/// An eight-byte memory-mapped file in the data directory that every process using that directory (the
/// server, the admin verbs, a second instance on the same machine) changes after it commits a journal entry.
/// A server compares it with the value it read before its last journal poll at the start of each request
/// (a memory read, no system call) and polls at once when it differs, so a change committed by another
/// process is visible to every request that starts after that process's write returned.
/// </summary>
/// <remarks>
/// The value is a random stamp, not a counter: readers only ask "did it change since I last polled", and a
/// plain eight-byte store needs no cross-process locking. Two writers racing may leave either stamp; both
/// differ from what any reader saw before they committed, so no change is missed (a stamp equal to an old one
/// has a chance of one in 2^63). Instances on other machines do not share the file and still see changes
/// after their periodic poll. The file is created readable and writable by its owner only: whoever can write
/// it can only make the server poll more often, but there is no reason to let anyone else do that.
/// </remarks>
public sealed class IndexChangeSignal : IDisposable
{
    private const int Size = sizeof(long);

    private readonly Lazy<MemoryMappedViewAccessor?> _view;
    private MemoryMappedFile? _map;

    /// <summary>A signal on <paramref name="path"/>, opened (and created if missing) on first use.</summary>
    public IndexChangeSignal(string? path, Action<Exception>? onOpenFailed = null)
    {
        Path = path;
        _view = new Lazy<MemoryMappedViewAccessor?>(() => path is null ? null : Open(path, onOpenFailed), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string? Path { get; }

    /// <summary>Whether the file could be mapped; without it the server falls back to its periodic poll.</summary>
    public bool IsShared => _view.Value is not null;

    /// <summary>The current stamp (0 before any change, and when the file is not available).</summary>
    public long Read() => _view.Value?.ReadInt64(0) ?? 0;

    /// <summary>Stores a fresh stamp. Call after the commit whose changes other processes must notice.</summary>
    public void Raise()
    {
        var view = _view.Value;
        if (view is null) return;
        var current = view.ReadInt64(0);
        long stamp;
        do stamp = Random.Shared.NextInt64(1, long.MaxValue); while (stamp == current);
        view.Write(0, stamp);
    }

    private MemoryMappedViewAccessor? Open(string path, Action<Exception>? onOpenFailed)
    {
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            var options = new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                // Other processes map the same file at the same time.
                Share = FileShare.ReadWrite | FileShare.Delete,
            };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            var stream = new FileStream(path, options);
            if (stream.Length < Size) stream.SetLength(Size);
            _map = MemoryMappedFile.CreateFromFile(stream, null, Size, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
            return _map.CreateViewAccessor(0, Size, MemoryMappedFileAccess.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            onOpenFailed?.Invoke(e);
            return null;
        }
    }

    public void Dispose()
    {
        if (_view.IsValueCreated) _view.Value?.Dispose();
        _map?.Dispose();
    }
}
