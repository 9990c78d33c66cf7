using System.Diagnostics;
using Bulwark.Core.Outcomes;
using Npgsql;

namespace Bulwark.Operations;

/// <summary>
/// Runs PostgreSQL's own client tools (<c>pg_dump</c>, <c>pg_restore</c>) from PATH. They are the only tools that
/// dump and restore every object of a database exactly; their major version must be at least the server's, which
/// they check themselves (their message is passed on).
/// </summary>
internal static class PostgresTools
{
    /// <summary>The full path of <paramref name="tool"/> on PATH, or null.</summary>
    public static string? Find(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    public static Refusal Missing(string tool) => new(RefusalKind.Unavailable,
        $"{tool} was not found on PATH. Install the PostgreSQL client tools of the server's major version " +
        "(Debian: postgresql-client) and run again.");

    /// <summary>
    /// Runs the tool against the database of <paramref name="connectionString"/>. The connection goes through the
    /// libpq environment variables, so the password never appears on a command line that other users can read.
    /// </summary>
    public static async Task<Outcome> RunAsync(string tool, string connectionString, IEnumerable<string> arguments, CancellationToken ct)
    {
        if (Find(tool) is not { } path) return Missing(tool);
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.ArgumentList.Add("--dbname=" + cs.Database);
        start.Environment["PGHOST"] = cs.Host ?? "localhost";
        start.Environment["PGPORT"] = cs.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (cs.Username is { } user) start.Environment["PGUSER"] = user;
        if (cs.Password is { } password) start.Environment["PGPASSWORD"] = password;
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync(ct);
        var output = process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        var message = ((await errors).Trim() + "\n" + (await output).Trim()).Trim();
        return process.ExitCode == 0
            ? Outcome.Ok()
            : new Refusal(RefusalKind.Unavailable, $"{tool} failed (exit status {process.ExitCode}): {message}");
    }
}
