using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Bulwark.Core.Moderation.Scanning;

/// <summary>
/// Statically scans a distribution (wheel, sdist as .tar.gz or .zip, or a lone .py/.pth file) for what PyPI malware
/// does: code that runs at install or start-up, payloads decoded and executed, downloads that are run, credential
/// and wallet theft, exfiltration endpoints, reverse shells, obfuscators, executables bundled in an sdist. Nothing
/// in the distribution is executed, imported or extracted to disk. Time and memory are bounded whatever the archive
/// holds: members are read only up to <see cref="ScanOptions.MaxFileBytes"/>, the whole scan only up to
/// <see cref="ScanOptions.MaxTotalBytes"/>, tokens per file are capped, and what the caps leave unread is reported.
/// Thread-safe: one instance can scan many files at once.
/// </summary>
public sealed class DistributionScanner(ScanOptions? options = null)
{
    private readonly ScanOptions _options = options ?? new ScanOptions();

    /// <summary>Scans <paramref name="distribution"/>, whose file name (which tells its format) is <paramref name="filename"/>.</summary>
    public ScanReport Scan(Stream distribution, string filename)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        ArgumentNullException.ThrowIfNull(filename);
        var run = new ScanRun(_options);
        var name = filename.ToLowerInvariant();
        try
        {
            if (name.EndsWith(".whl", StringComparison.Ordinal) || name.EndsWith(".zip", StringComparison.Ordinal) || name.EndsWith(".egg", StringComparison.Ordinal))
            {
                ScanZip(distribution, run, wheel: !name.EndsWith(".zip", StringComparison.Ordinal));
            }
            else if (name.EndsWith(".tar.gz", StringComparison.Ordinal) || name.EndsWith(".tgz", StringComparison.Ordinal))
            {
                ScanTar(distribution, run);
            }
            else
            {
                var (action, kind) = MemberPlan.For(Path.GetFileName(filename), wheel: false, sdist: false);
                var file = Path.GetFileName(filename);
                if (file == "setup.py")
                {
                    kind = FileKind.Setup;
                }

                run.Member(file, action == MemberAction.Skip ? MemberAction.Python : action, kind, distribution);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or NotSupportedException or IOException or FormatException or ArgumentException)
        {
            run.Incomplete(Path.GetFileName(filename), $"the archive could not be read to the end ({ex.Message})");
        }

        return run.Report();
    }

    private void ScanZip(Stream distribution, ScanRun run, bool wheel)
    {
        using var zip = new ZipArchive(distribution, ZipArchiveMode.Read, leaveOpen: true);
        var sdist = !wheel;
        var entries = zip.Entries;
        if (entries.Count > _options.MaxMembers)
        {
            run.Incomplete("", $"the archive lists {entries.Count:N0} members; only the first {_options.MaxMembers:N0} are looked at");
        }

        // Install-time and start-up code first, so the byte budget is never spent before it is read.
        foreach (var entry in entries.Take(_options.MaxMembers).OrderBy(e => MemberPlan.Priority(e.FullName, wheel, sdist)))
        {
            if (entry.FullName.EndsWith('/'))
            {
                continue;
            }

            var (action, kind) = MemberPlan.For(entry.FullName, wheel, sdist);
            if (action == MemberAction.Skip)
            {
                continue;
            }

            if (run.BudgetSpent)
            {
                run.Incomplete(entry.FullName, $"the scan stopped after {_options.MaxTotalBytes:N0} bytes of content");
                return;
            }

            using var content = entry.Open();
            run.Member(entry.FullName, action, kind, content, entry.Length);
        }
    }

    private void ScanTar(Stream distribution, ScanRun run)
    {
        using var gzip = new GZipStream(distribution, CompressionMode.Decompress, leaveOpen: true);
        using var capped = new CappedReadStream(gzip, _options.MaxInflatedBytes);
        using var reader = new TarReader(capped);
        var members = 0;
        try
        {
            while (reader.GetNextEntry(copyData: false) is { } entry)
            {
                if (++members > _options.MaxMembers)
                {
                    run.Incomplete(entry.Name, $"the archive has more than {_options.MaxMembers:N0} members");
                    return;
                }

                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                {
                    continue;
                }

                var (action, kind) = MemberPlan.For(entry.Name, wheel: false, sdist: true);
                if (action == MemberAction.Skip)
                {
                    continue;
                }

                if (run.BudgetSpent)
                {
                    run.Incomplete(entry.Name, $"the scan stopped after {_options.MaxTotalBytes:N0} bytes of content");
                    return;
                }

                run.Member(entry.Name, action, kind, entry.DataStream, entry.Length);
            }
        }
        catch (CappedReadStream.LimitReachedException)
        {
            run.Incomplete("", $"the archive inflates to more than {_options.MaxInflatedBytes:N0} bytes; the rest was not scanned");
        }
    }

    /// <summary>The state of one scan: findings per member, and the byte budget.</summary>
    private sealed class ScanRun(ScanOptions options)
    {
        private readonly List<ScanFinding> _findings = [];
        private readonly SourceAnalyzer _analyzer = new(options);
        private readonly byte[] _buffer = new byte[Math.Min(options.MaxFileBytes, 1024 * 1024) + 1];
        private long _spent;

        public bool BudgetSpent => _spent >= options.MaxTotalBytes;

        public void Incomplete(string path, string why) =>
            _findings.Add(new ScanFinding("scan-incomplete", path, 0, why, ScanRules.Score("scan-incomplete", Placement.Load)));

        public void Member(string path, MemberAction action, FileKind kind, Stream content, long declaredLength = -1)
        {
            switch (action)
            {
                case MemberAction.ArmorRuntime:
                    _findings.Add(new ScanFinding("pyarmor", path, 0, "PyArmor runtime library: the package's code is encrypted and cannot be reviewed",
                        ScanRules.Score("pyarmor", Placement.Load)));
                    return;
                case MemberAction.BinaryProbe:
                    var head = ReadHead(content, 1024);
                    if (MemberPlan.ExecutableKind(head) is { } executable)
                    {
                        var placement = kind == FileKind.Test ? Placement.Test : Placement.Install;
                        var size = declaredLength >= 0 ? $", {declaredLength:N0} bytes" : "";
                        // A prebuilt extension module (.so/.pyd) in an sdist is poor practice but common; a plain
                        // executable has no business in a source distribution.
                        var rule = MemberPlan.IsExtensionModule(path) ? "extension-in-sdist" : "binary-in-sdist";
                        _findings.Add(new ScanFinding(rule, path, 0, $"{executable}{size} in a source distribution",
                            ScanRules.Score(rule, placement)));
                    }

                    return;
            }

            var (text, truncated) = ReadText(content);
            if (action == MemberAction.MaybeScript && !(text.StartsWith("#!", StringComparison.Ordinal) && text.AsSpan(0, Math.Max(0, text.IndexOf('\n'))).Contains("python", StringComparison.Ordinal)))
            {
                return;
            }

            // A file with a python shebang is a script someone runs on purpose (tools/, examples...), except a
            // package initialiser or setup.py, which run whatever the first line says.
            if (kind == FileKind.Module && text.StartsWith("#!", StringComparison.Ordinal) && !path.EndsWith("__init__.py", StringComparison.Ordinal)
                && text.AsSpan(0, Math.Max(0, text.IndexOf('\n'))).Contains("python", StringComparison.Ordinal))
            {
                kind = FileKind.Script;
            }

            if (truncated)
            {
                _findings.Add(new ScanFinding("file-truncated", path, 0, $"only the first {options.MaxFileBytes:N0} bytes were scanned",
                    ScanRules.Score("file-truncated", Placement.Load)));
            }

            var raw = action == MemberAction.Pth ? PthCode(path, text) : _analyzer.Analyze(text, kind);
            foreach (var finding in raw)
            {
                _findings.Add(new ScanFinding(finding.Rule, path, finding.Line, finding.Evidence, finding.Score));
            }
        }

        /// <summary>
        /// A .pth line that starts with <c>import</c> is executed by the site module at every start of the interpreter;
        /// every other line is a directory to add to sys.path. The executable lines are analysed as start-up code.
        /// </summary>
        private List<RawFinding> PthCode(string path, string text)
        {
            var lines = text.Split('\n');
            var code = new StringBuilder();
            var firstLine = 0;
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].TrimEnd('\r');
                var executable = line.StartsWith("import ", StringComparison.Ordinal) || line.StartsWith("import\t", StringComparison.Ordinal);
                code.Append(executable ? line : "").Append('\n');
                if (executable && firstLine == 0)
                {
                    firstLine = i + 1;
                }
            }

            var findings = new List<RawFinding>();
            if (firstLine > 0)
            {
                var evidence = lines[firstLine - 1].Trim();
                findings.Add(new RawFinding("pth-exec", firstLine, evidence.Length <= 200 ? evidence : evidence[..200] + "...", ScanRules.Score("pth-exec", Placement.Startup)));
                findings.AddRange(_analyzer.Analyze(code.ToString(), FileKind.Startup));
            }

            return findings;
        }

        private byte[] ReadHead(Stream content, int count)
        {
            var head = new byte[count];
            var read = content.ReadAtLeast(head, count, throwOnEndOfStream: false);
            _spent += read;
            return head[..read];
        }

        private (string Text, bool Truncated) ReadText(Stream content)
        {
            using var memory = new MemoryStream();
            var limit = options.MaxFileBytes;
            int read;
            while (memory.Length <= limit && (read = content.Read(_buffer, 0, (int)Math.Min(_buffer.Length, limit + 1 - memory.Length))) > 0)
            {
                memory.Write(_buffer, 0, read);
            }

            var truncated = memory.Length > limit;
            var length = (int)Math.Min(memory.Length, limit);
            _spent += length;
            var bytes = memory.GetBuffer().AsSpan(0, length);
            if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                bytes = bytes[3..];
            }

            return (Encoding.UTF8.GetString(bytes), truncated);
        }

        public ScanReport Report() => ScanScoring.Combine(_findings, options);
    }
}
