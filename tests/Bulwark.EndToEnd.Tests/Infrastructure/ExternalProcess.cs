using System.Diagnostics;
using System.Text;

namespace Bulwark.EndToEnd.Tests.Infrastructure;

/// <summary>What an external program did: its exit code and everything it printed.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string Stdout, string Stderr, bool TimedOut, TimeSpan Elapsed)
{
    public bool Succeeded => !TimedOut && ExitCode == 0;

    /// <summary>stdout and stderr together, for "the tool said X" assertions.</summary>
    public string Output => Stdout + "\n" + Stderr;

    /// <summary>The whole story, for assertion messages.</summary>
    public string Describe()
    {
        var status = TimedOut ? $"TIMED OUT after {Elapsed.TotalSeconds:F0}s" : $"exit code {ExitCode} after {Elapsed.TotalSeconds:F1}s";
        return $"$ {CommandLine}\n[{status}]\n--- stdout ---\n{Stdout.TrimEnd()}\n--- stderr ---\n{Stderr.TrimEnd()}\n--------------";
    }
}

/// <summary>
/// Runs a program with an explicit environment, a working directory and a hard timeout. Standard input is
/// closed (or fed <see cref="Stdin"/>) so a tool that prompts fails instead of hanging.
/// </summary>
public sealed class ExternalProcess
{
    public required string FileName { get; init; }
    public IReadOnlyList<string> Arguments { get; init; } = [];
    public string? WorkingDirectory { get; init; }

    /// <summary>The complete environment of the child; nothing else is inherited.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public string? Stdin { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Strings replaced by <c>***</c> in the printed command line (tokens).</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    public string CommandLine
    {
        get
        {
            var line = string.Join(' ', new[] { FileName }.Concat(Arguments).Select(Quote));
            foreach (var s in Secrets.Where(s => s.Length > 0)) line = line.Replace(s, "***");
            return line;
        }
    }

    public async Task<ProcessResult> RunAsync()
    {
        var psi = new ProcessStartInfo(FileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = WorkingDirectory ?? System.Environment.CurrentDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in Arguments) psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        foreach (var (k, v) in Environment) psi.Environment[k] = v;

        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (Exception e)
        {
            return new ProcessResult(CommandLine, -1, "", $"could not start: {e.Message}", false, clock.Elapsed);
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            if (Stdin is not null) await process.StandardInput.WriteAsync(Stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child exited before reading its input; its output says why.
        }

        using var cts = new CancellationTokenSource(Timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync();
        }

        var result = new ProcessResult(CommandLine, process.ExitCode, Redact(await stdout), Redact(await stderr), timedOut, clock.Elapsed);
        return result;
    }

    private string Redact(string text)
    {
        foreach (var s in Secrets.Where(s => s.Length > 0)) text = text.Replace(s, "***");
        return text;
    }

    private static string Quote(string arg) =>
        arg.Length > 0 && arg.All(c => char.IsLetterOrDigit(c) || "-_./:=@,+%".Contains(c)) ? arg : "'" + arg.Replace("'", "'\\''") + "'";
}
