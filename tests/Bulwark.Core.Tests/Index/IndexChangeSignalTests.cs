using Bulwark.Core.Index;

namespace Bulwark.Core.Tests.Index;

public sealed class IndexChangeSignalTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bulwark-signal-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void A_stamp_raised_through_one_mapping_is_read_through_another()
    {
        var path = Path.Combine(_dir, "index-changes.signal");
        using var writer = new IndexChangeSignal(path);
        using var reader = new IndexChangeSignal(path);
        Assert.Equal(0, reader.Read());

        var seen = new HashSet<long> { reader.Read() };
        for (var i = 0; i < 50; i++)
        {
            writer.Raise();
            var stamp = reader.Read();
            Assert.Equal(writer.Read(), stamp);
            // Every raise gives a stamp no reader has seen before, so "differs from what I saw" never misses one.
            Assert.True(seen.Add(stamp), $"stamp {stamp} repeated");
        }
        Assert.True(reader.IsShared);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_file_is_created_for_its_owner_only()
    {
        var path = Path.Combine(_dir, "index-changes.signal");
        using var signal = new IndexChangeSignal(path);
        signal.Raise();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(sizeof(long), new FileInfo(path).Length);
    }

    [Fact]
    public void A_path_that_cannot_be_opened_reports_the_failure_and_falls_back()
    {
        // A directory where the file should be: opening it fails like a read-only data directory would.
        var path = Path.Combine(_dir, "taken");
        Directory.CreateDirectory(path);
        Exception? reported = null;
        using var signal = new IndexChangeSignal(path, e => reported = e);

        signal.Raise();
        Assert.Equal(0, signal.Read());
        Assert.False(signal.IsShared);
        Assert.NotNull(reported);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
