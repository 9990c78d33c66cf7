using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace Bulwark.Bench.Corpus;

/// <summary>
/// The second load path: the same kind of corpus sent through the legacy upload API, one multipart POST per
/// file with the fields twine sends, several uploads in flight. Slow by design (every upload is fully checked);
/// meant for thousands of files, not millions.
/// </summary>
public sealed class UploadClient(Uri legacyUrl, string token, int parallelism)
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(10) };

    public async Task<int> UploadCorpusAsync(IReadOnlyList<NamedProject> projects, int versions, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var files = 0;
        var failures = 0;
        await Parallel.ForEachAsync(projects, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct }, async (p, token) =>
        {
            // Releases of one project are uploaded in order, as a maintainer would.
            var rows = ProjectBuilder.Build(p, new ProjectShape(versions, 0, true, true), keepBytes: true, fillerBytes: 0);
            foreach (var r in rows.Releases)
            {
                foreach (var f in r.Files)
                {
                    var status = await UploadAsync(p.Name, r.Version, r.Summary, r.RequiresPython, f, token);
                    if (status == 200) Interlocked.Increment(ref files);
                    else Interlocked.Increment(ref failures);
                }
            }
        });
        Console.Error.WriteLine($"uploaded {files} files of {projects.Count} projects in {clock.Elapsed.TotalSeconds:F1}s " +
            $"({files / clock.Elapsed.TotalSeconds:F0} files/s); {failures} failed");
        return failures == 0 ? 0 : 1;
    }

    private async Task<int> UploadAsync(string name, string version, string summary, string? requiresPython, FileRow f, CancellationToken ct)
    {
        using var form = new MultipartFormDataContent();
        void Field(string key, string value) => form.Add(new StringContent(value, Encoding.UTF8), $"\"{key}\"");
        Field(":action", "file_upload");
        Field("protocol_version", "1");
        Field("name", name);
        Field("version", version);
        Field("filetype", f.Type == Bulwark.Core.Packaging.PackageType.Sdist ? "sdist" : "bdist_wheel");
        Field("pyversion", f.PythonVersion);
        Field("metadata_version", "2.1");
        Field("summary", summary);
        if (requiresPython is not null) Field("requires_python", requiresPython);
        Field("description_content_type", "text/markdown");
        Field("sha256_digest", f.Digests.Sha256);
        Field("blake2_256_digest", f.Digests.Blake2b256);
        var content = new ByteArrayContent(f.Content!);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "\"content\"", $"\"{f.Filename}\"");

        using var request = new HttpRequestMessage(HttpMethod.Post, legacyUrl) { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("__token__:" + token)));
        using var response = await _http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            Console.Error.WriteLine($"{f.Filename}: {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        return (int)response.StatusCode;
    }
}
