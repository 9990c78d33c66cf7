using System.Diagnostics;
using System.Text.Json;
using Bulwark.Bench.Corpus;

namespace Bulwark.Bench.Loading;

public sealed record GenerateOptions
{
    public required string TopPackagesJson { get; init; }
    public required string BlobRoot { get; init; }
    public required string ManifestPath { get; init; }
    public int Projects { get; init; } = 2000;
    public double MeanFiles { get; init; } = 10;
    /// <summary>An exact number of files to reach instead of a mean.</summary>
    public long? TotalFiles { get; init; }
    public int BigFiles { get; init; } = 520;
    /// <summary>Blobs are written for projects ranked below this (and always for the big one); -1 means all.</summary>
    public int BlobProjects { get; init; } = -1;
    public int FillerBytes { get; init; }
    public int Seed { get; init; } = 42;
    public long? OwnerId { get; init; }
}

/// <summary>
/// Builds the corpus on worker threads (archives and three digests per file are the CPU cost) and feeds the
/// rows to a sink in rank order on one thread, assigning ids as it goes. Blobs are written by the workers
/// straight into the store's content-addressed layout.
/// </summary>
public sealed class CorpusLoader(GenerateOptions options, IRowSink sink)
{
    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    private const int ChunkSize = 256;

    public async Task<Manifest> RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var names = ProjectNames.Load(options.TopPackagesJson, options.Projects, options.Seed);
        var plan = new CorpusPlan(names, options.MeanFiles, options.BigFiles, options.TotalFiles);
        Log($"{names.Count} names ready; loading");
        await sink.BeginAsync(ct);

        var manifest = new Manifest { Projects = names.Count, Big = Describe(names[0], plan.ShapeOf(names[0]).Files) };
        long projectId = 0, releaseId = 0, fileId = 0, journalId = 0;
        var inFlight = new Queue<Task<List<ProjectRows>>>();
        var next = 0;
        var workers = Math.Max(2, Environment.ProcessorCount * 2);
        while (next < names.Count || inFlight.Count > 0)
        {
            while (next < names.Count && inFlight.Count < workers)
            {
                var (start, end) = (next, Math.Min(names.Count, next + ChunkSize));
                inFlight.Enqueue(Task.Run(() => BuildChunk(names, plan, start, end), ct));
                next = end;
            }
            foreach (var p in await inFlight.Dequeue())
            {
                var pid = ++projectId;
                var createdSerial = ++journalId;
                sink.Journal(createdSerial, p.Project.Name, null, null, "create", p.CreatedAt, options.OwnerId);
                var lastSerial = journalId + p.FileCount;
                sink.Project(pid, p, lastSerial);
                if (options.OwnerId is { } owner) sink.Role(pid, owner, p.CreatedAt);
                foreach (var r in p.Releases)
                {
                    var rid = ++releaseId;
                    sink.Release(rid, pid, r, options.OwnerId);
                    foreach (var f in r.Files)
                    {
                        sink.File(++fileId, rid, pid, f, options.OwnerId);
                        sink.RegisterFilename(f.Filename, f.UploadedAt);
                        sink.Journal(++journalId, p.Project.Name, r.Version, f.Filename, RowValues.AddFileAction(f), f.UploadedAt, options.OwnerId);
                    }
                }
                Pick(manifest, p);
                if (pid % 50_000 == 0) Log($"{pid} projects, {fileId} files");
            }
        }
        manifest.Files = fileId;
        manifest.Releases = releaseId;
        manifest.JournalEntries = journalId;
        Log($"{projectId} projects, {releaseId} releases, {fileId} files streamed; completing");
        await sink.CompleteAsync(new Progress<string>(Log), ct);
        manifest.LoadSeconds = clock.Elapsed.TotalSeconds;
        await File.WriteAllTextAsync(options.ManifestPath, JsonSerializer.Serialize(manifest, IndentedJson), ct);
        Log($"done in {clock.Elapsed.TotalSeconds:F0}s; manifest {options.ManifestPath}");
        return manifest;

        void Log(string message) => Console.Error.WriteLine($"[{clock.Elapsed.TotalSeconds,7:F1}s] {message}");
    }

    private List<ProjectRows> BuildChunk(List<NamedProject> names, CorpusPlan plan, int start, int end)
    {
        var list = new List<ProjectRows>(end - start);
        for (var i = start; i < end; i++)
        {
            var p = names[i];
            var withBlobs = options.BlobProjects < 0 || p.Rank < options.BlobProjects || p.Rank == 0;
            var rows = ProjectBuilder.Build(p, plan.ShapeOf(p), withBlobs, options.FillerBytes);
            if (withBlobs) WriteBlobs(rows);
            list.Add(rows);
        }
        return list;
    }

    private void WriteBlobs(ProjectRows rows)
    {
        foreach (var f in rows.Releases.SelectMany(r => r.Files))
        {
            var path = Path.Combine(options.BlobRoot, f.BlobPath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, f.Content!);
            if (f.MetadataBytes is not null) File.WriteAllBytes(path + ".metadata", f.MetadataBytes);
            f.Content = null;
            f.MetadataBytes = null;
        }
    }

    private static ProjectInfo Describe(NamedProject p, int files) => new() { Name = p.Name, NormalizedName = p.NormalizedName, Files = files };

    /// <summary>The "small project" of the benchmark: a mid-ranked one with a handful of files, a wheel and blobs.</summary>
    private void Pick(Manifest manifest, ProjectRows p)
    {
        var from = options.BlobProjects >= 0 ? Math.Min(options.Projects / 10, options.BlobProjects / 2) : options.Projects / 10;
        if (manifest.Small is not null || p.Project.Rank < from || p.FileCount is < 4 or > 12) return;
        if (options.BlobProjects >= 0 && p.Project.Rank >= options.BlobProjects) return;
        var wheel = p.Releases[^1].Files.FirstOrDefault(f => f.Filename.EndsWith(".whl", StringComparison.Ordinal) && f.MetadataDigests is not null);
        if (wheel is null) return;
        manifest.Small = Describe(p.Project, p.FileCount);
        manifest.Small.WheelPath = "/files/" + wheel.BlobPath;
        manifest.Small.WheelSize = wheel.Size;
    }
}

public sealed class Manifest
{
    public int Projects { get; set; }
    public long Releases { get; set; }
    public long Files { get; set; }
    public long JournalEntries { get; set; }
    public double LoadSeconds { get; set; }
    public ProjectInfo Big { get; set; } = null!;
    public ProjectInfo? Small { get; set; }
}

public sealed class ProjectInfo
{
    public string Name { get; set; } = "";
    public string NormalizedName { get; set; } = "";
    public int Files { get; set; }
    public string? WheelPath { get; set; }
    public long WheelSize { get; set; }
}
