using Bulwark.Bench.Corpus;

namespace Bulwark.Bench.Loading;

/// <summary>
/// Receives the corpus row by row, with ids assigned by the loader. Implementations write to one database
/// in bulk; rows of a table arrive in id order.
/// </summary>
public interface IRowSink : IAsyncDisposable
{
    Task BeginAsync(CancellationToken ct);

    void Project(long id, ProjectRows p, long lastSerial);

    void Release(long id, long projectId, ReleaseRow r, long? uploaderId);

    void File(long id, long releaseId, long projectId, FileRow f, long? uploaderId);

    void Journal(long id, string projectName, string? version, string? filename, string action, DateTimeOffset at, long? userId);

    void Role(long projectId, long userId, DateTimeOffset at);

    void RegisterFilename(string filename, DateTimeOffset at);

    /// <summary>Commits everything, rebuilds what was dropped for speed, and moves id sequences past the loaded rows.</summary>
    Task CompleteAsync(IProgress<string> progress, CancellationToken ct);
}

/// <summary>Column values shared by both sinks, so both databases hold the same corpus.</summary>
public static class RowValues
{
    public const string MetadataVersion = "2.1";
    public const string DescriptionContentType = "text/markdown";

    public static string Description(ReleaseRow r) => "# Synthetic release\n\n" + r.Summary + "\n";

    public static string Ultranormalized(NamedProject p) => Bulwark.Core.Packaging.ProjectName.Ultranormalize(p.Name);

    /// <summary>The journal action text the upload path writes for a new file.</summary>
    public static string AddFileAction(FileRow f) => $"add {(f.Type == Bulwark.Core.Packaging.PackageType.Sdist ? "source" : f.PythonVersion)} file {f.Filename}";
}
