using System.CommandLine;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Upstreams;
using Bulwark.Hosting;
using Bulwark.Operations;
using Bulwark.Upstreams;
using Microsoft.Extensions.Options;

namespace Bulwark.Cli;

/// <summary><c>import DIR</c> and <c>import --from-index URL</c> (see <see cref="Importer"/>).</summary>
internal static class ImportCommand
{
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var command = new Command("import",
            "Bring existing distributions into the index, owned by --owner: from DIR (a pypiserver or devpi directory, sub-folders " +
            "included) or from a simple-API index (--from-index URL, PEP 503 or 691, e.g. a devpi stage or another Bulwark). " +
            "Filenames and bytes are kept; each file passes the upload checks. Re-running skips what is already there. " +
            "Progress on standard error, a summary on standard output; exit status 1 when a file was refused.");
        var dir = new Argument<DirectoryInfo?>("DIR") { Arity = ArgumentArity.ZeroOrOne };
        var fromIndex = new Option<string?>("--from-index") { Description = "The simple root of the index to copy, e.g. https://devpi.example/root/prod/+simple/." };
        var owner = new Option<string>("--owner") { Description = "The user that owns the projects created (an automation account or one with two-factor authentication).", Required = true };
        command.Arguments.Add(dir);
        command.Options.Add(fromIndex);
        command.Options.Add(owner);
        command.SetAction((parse, ct) => CommandLine.WithServicesAsync(async sp =>
        {
            var directory = parse.GetValue(dir);
            var index = parse.GetValue(fromIndex);
            if ((directory is null) == (index is null))
            {
                await stderr.WriteLineAsync("error: give either DIR or --from-index URL.");
                return CliOutcomes.BadInput;
            }
            if (directory is not null && !directory.Exists)
            {
                await stderr.WriteLineAsync($"error: {directory.FullName} is not a directory.");
                return CliOutcomes.BadInput;
            }
            Uri? root = null;
            if (index is not null && (!Uri.TryCreate(index.EndsWith('/') ? index : index + "/", UriKind.Absolute, out root) || root.Scheme is not ("http" or "https")))
            {
                await stderr.WriteLineAsync($"error: --from-index needs an http or https URL, not '{index}'.");
                return CliOutcomes.BadInput;
            }

            var importer = ActivatorUtilities.CreateInstance<Importer>(sp);
            if (!(await importer.StartAsync(parse.GetValue(owner)!, ct)).TryGetValue(out var who, out var refusal))
                return await CliOutcomes.RefuseAsync(stderr, refusal);
            var progress = new ImportProgress(stdout, stderr);
            try
            {
                if (directory is not null)
                {
                    var files = ImportSources.DirectoryFiles(directory.FullName, out var ignored);
                    progress.Ignored = ignored;
                    progress.Total = files.Count;
                    foreach (var path in files)
                    {
                        await progress.AddAsync(await importer.ImportAsync(who, Path.GetFileName(path), null, (temp, _) =>
                        {
                            File.Copy(path, temp);
                            return Task.FromResult<Refusal?>(null);
                        }, ct));
                    }
                }
                else if (await FromIndexAsync(importer, who, root!, sp, progress, ct) is { } failed)
                {
                    return await CliOutcomes.RefuseAsync(stderr, failed);
                }
            }
            finally
            {
                await importer.FinishAsync(who, CancellationToken.None);
            }
            return await progress.SummaryAsync();
        }));
        return command;
    }

    private static async Task<Refusal?> FromIndexAsync(Importer importer, ImportOwner who, Uri root, IServiceProvider sp, ImportProgress progress, CancellationToken ct)
    {
        using var http = HttpUpstreamClient.CreateHttpClient();
        var client = new HttpUpstreamClient(http);
        if (!(await ImportSources.IndexProjectsAsync(http, root, ct)).TryGetValue(out var projects, out var refusal)) return refusal;
        var maxSize = sp.GetRequiredService<IOptions<BulwarkOptions>>().Value.Uploads.MaxFileSize;
        foreach (var project in projects)
        {
            var page = await client.FetchPageAsync(root, project, null, TimeSpan.FromMinutes(1), ct);
            if (!page.TryGetValue(out var fetched, out var pageRefusal))
            {
                await progress.AddAsync(new ImportItem(project + "/", ImportResult.Refused, pageRefusal.Message));
                continue;
            }
            // The page parser keeps only files it can verify: a sha256 and a wheel or sdist name of this project.
            foreach (var file in fetched.Listing?.Files ?? [])
            {
                await progress.AddAsync(await importer.ImportAsync(who, file.Filename, file.Sha256, async (temp, token) =>
                {
                    var download = await client.DownloadAsync(file.Url, temp, maxSize, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30), token);
                    return download.Refusal;
                }, ct));
            }
        }
        return null;
    }

    /// <summary>
    /// Counts and prints: refusals at once on standard error; a counter that rewrites itself on a terminal, one
    /// line every 100 files otherwise (a log should not fill with carriage returns); the summary at the end.
    /// </summary>
    private sealed class ImportProgress(TextWriter stdout, TextWriter stderr)
    {
        private readonly bool _terminal = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
        private readonly List<ImportItem> _refused = [];
        private int _imported;
        private int _skipped;

        public int Ignored { get; set; }
        public int? Total { get; set; }
        private int Done => _imported + _skipped + _refused.Count;

        public async Task AddAsync(ImportItem item)
        {
            switch (item.Result)
            {
                case ImportResult.Imported: _imported++; break;
                case ImportResult.Skipped: _skipped++; break;
                default:
                    _refused.Add(item);
                    if (_terminal) await stderr.WriteAsync("\r\x1b[K");
                    await stderr.WriteLineAsync($"refused {item.Filename}: {item.Reason}");
                    break;
            }
            if (item.Result == ImportResult.Imported && item.Reason is not null) await stderr.WriteLineAsync($"note {item.Filename}: {item.Reason}");
            var line = $"import: {Done}{(Total is { } t ? $"/{t}" : "")} files ({_imported} imported, {_skipped} skipped, {_refused.Count} refused)";
            if (_terminal) await stderr.WriteAsync("\r" + line);
            else if (Done % 100 == 0) await stderr.WriteLineAsync(line);
        }

        public async Task<int> SummaryAsync()
        {
            if (_terminal) await stderr.WriteLineAsync();
            await stdout.WriteLineAsync($"Imported {_imported}, skipped {_skipped} already in the index, refused {_refused.Count}" +
                                        (Ignored > 0 ? $"; {Ignored} files that are not distributions were left alone." : "."));
            foreach (var item in _refused) await stdout.WriteLineAsync($"  refused {item.Filename}: {item.Reason}");
            return _refused.Count == 0 ? CliOutcomes.Done : CliOutcomes.Refused;
        }
    }
}
