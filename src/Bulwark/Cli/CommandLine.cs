using System.CommandLine;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Accounts.Passwords;
using Bulwark.Core.Audit;
using Bulwark.Core.Packaging;
using Bulwark.Hosting;

namespace Bulwark.Cli;

/// <summary>
/// Admin verbs on the same binary as the server. They read the same configuration (appsettings.json,
/// <c>Bulwark__*</c> environment variables) and so reach the same database.
/// </summary>
public static class CommandLine
{
    /// <summary>
    /// The server runs when there are no arguments, when the verb is <c>serve</c>, or when the first argument is a
    /// server option (<c>--urls ...</c>, <c>--Bulwark:DataDirectory=...</c>). Anything else is a verb for the
    /// command line, which names an unknown or misspelt one and lists the verbs: a typo must never start a
    /// server on the default port and data directory.
    /// </summary>
    public static bool IsServe(string[] args) =>
        args.Length == 0
        || args[0] == "serve"
        || args[0].StartsWith('-') && args[0] is not ("--help" or "-h" or "-?" or "/?" or "/h" or "--version");

    // Configuration added on top of appsettings and environment variables for one RunAsync call (and the
    // verbs it invokes); lets tests run verbs in-process against their own database without touching
    // process-wide environment variables that parallel tests share.
    private static readonly AsyncLocal<IReadOnlyDictionary<string, string?>?> Overrides = new();

    // Services registered after Bulwark's own for one RunAsync call: what an embedding host (or a test) supplies
    // itself, such as the credentials of an object store that the standard AWS sources do not hold.
    private static readonly AsyncLocal<Action<IServiceCollection>?> ExtraServices = new();

    // Where the verbs of one RunAsync call write errors (the caller's writer in tests, else the console).
    private static readonly AsyncLocal<TextWriter?> Errors = new();

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, TextReader? stdin = null,
        IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        Overrides.Value = settings;
        ExtraServices.Value = services;
        Errors.Value = stderr;
        var root = Build(stdout ?? Console.Out, stderr ?? Console.Error, stdin ?? Console.In);
        if (args.Length > 0 && !args[0].StartsWith('-') && root.Subcommands.All(c => c.Name != args[0]))
        {
            var likely = root.Subcommands.Select(c => (c.Name, Distance: EditDistance(args[0], c.Name)))
                .Where(c => c.Distance <= 2).OrderBy(c => c.Distance).Select(c => c.Name).FirstOrDefault();
            return await RefuseAsync(root, $"'{args[0]}' is not a Bulwark verb{(likely is null ? "" : $" (did you mean '{likely}'?)")}.", stderr ?? Console.Error);
        }
        var parse = root.Parse(args);
        return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout ?? Console.Out, Error = stderr ?? Console.Error });
    }

    private static RootCommand Build(TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        var root = new RootCommand("Bulwark: a Python package index. Without a verb (or with 'serve') it runs the server.");
        root.Subcommands.Add(new Command("serve", "Run the web server (the default)."));
        root.Subcommands.Add(UserCommands.Build(stdout, stderr, stdin));
        root.Subcommands.Add(TokenCommands.Build(stdout, stderr));
        root.Subcommands.Add(ProjectCommands.Build(stdout, stderr));
        root.Subcommands.Add(NameCommands.Build(stdout, stderr, stdin));
        root.Subcommands.Add(ModerationCommands.Names(stdout, stderr));
        root.Subcommands.Add(ModerationCommands.Reports(stdout));
        root.Subcommands.Add(ScanCommand.Build(stdout, stderr));
        root.Subcommands.Add(AuditCommands.Build(stdout, stderr));
        root.Subcommands.Add(OsvCommands.Build(stdout, stderr));
        root.Subcommands.Add(FsckCommand.Build(stdout, stderr));
        root.Subcommands.Add(BackupCommands.Backup(stdout, stderr));
        root.Subcommands.Add(BackupCommands.Restore(stdout, stderr));
        root.Subcommands.Add(ImportCommand.Build(stdout, stderr));
        return root;
    }

    /// <summary>
    /// The first of the server's arguments that is neither an option (<c>--key value</c>, <c>--key=value</c>,
    /// <c>/key value</c>) nor a <c>key=value</c> pair: a stray word, such as the misplaced verb of
    /// <c>serve report</c>, which the host's configuration would silently ignore.
    /// </summary>
    public static string? StrayServerArgument(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.Contains('=')) continue;
            if (arg.StartsWith('-') || arg.StartsWith('/'))
            {
                i++; // the option's value
                continue;
            }
            return arg;
        }
        return null;
    }

    /// <summary>Refuses a stray server argument (see <see cref="StrayServerArgument"/>) the way an unknown verb is refused.</summary>
    public static Task<int> RefuseServerArgumentAsync(string stray) =>
        RefuseAsync(Build(Console.Out, Console.Error, Console.In),
            $"'{stray}' is not a server option; they look like --urls URL or --Bulwark:Key=Value.", Console.Error);

    /// <summary>Prints <paramref name="error"/> and the list of verbs; the exit code is 1.</summary>
    private static async Task<int> RefuseAsync(RootCommand root, string error, TextWriter stderr)
    {
        await stderr.WriteLineAsync($"error: {error}");
        await stderr.WriteLineAsync("Verbs:");
        var width = root.Subcommands.Max(c => c.Name.Length) + 2;
        foreach (var command in root.Subcommands) await stderr.WriteLineAsync($"  {command.Name.PadRight(width)}{command.Description}");
        await stderr.WriteLineAsync("Without arguments, or with server options such as --urls, Bulwark runs the server. 'VERB --help' shows a verb's options.");
        return 1;
    }

    /// <summary>Levenshtein distance, for the "did you mean" of a misspelt verb (short strings only).</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            previous = current;
        }
        return previous[b.Length];
    }

    /// <summary>
    /// Runs <paramref name="body"/> with the services of <see cref="HostKind.Cli"/> in a fresh scope, after the same
    /// start checks as the server's (a bad setting is refused naming its key, exit code 1). With
    /// <paramref name="database"/> the database is migrated first; verbs that only read files skip it.
    /// </summary>
    internal static async Task<int> WithServicesAsync(Func<IServiceProvider, Task<int>> body, bool database = true)
    {
        // The same files as the server's, from any working directory (see AppLayout).
        var builder = Host.CreateApplicationBuilder(AppLayout.CliSettings());
        AppLayout.AddWorkingDirectorySettings(builder.Configuration, builder.Environment);
        if (Overrides.Value is { } settings) builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // A verb prints its result and nothing else: warnings and errors only, whatever levels the server's
        // configuration sets (its rules are dropped here, else "Bulwark": "Information" would speak up).
        builder.Services.Configure<LoggerFilterOptions>(o =>
        {
            o.Rules.Clear();
            o.MinLevel = LogLevel.Warning;
        });
        builder.Services.AddBulwark(builder.Configuration, HostKind.Cli);
        ExtraServices.Value?.Invoke(builder.Services);
        using var host = builder.Build();
        try
        {
            // The host is never started (a verb runs and exits), so the checks a start would run are run here.
            host.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            foreach (var failure in e.Failures) await (Errors.Value ?? Console.Error).WriteLineAsync($"error: {failure}");
            return 1;
        }
        if (database) await DataServices.InitializeDatabaseAsync(host.Services);
        await using var scope = host.Services.CreateAsyncScope();
        return await body(scope.ServiceProvider);
    }

    /// <summary>Parses <c>30d</c>, <c>12h</c>, <c>90m</c>, <c>2w</c>, or a .NET TimeSpan such as <c>1.12:00:00</c>.</summary>
    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        text = text.Trim();
        if (text.Length >= 2 && long.TryParse(text[..^1], out var n) && n > 0)
        {
            TimeSpan? unit = char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(1),
                'm' => TimeSpan.FromMinutes(1),
                'h' => TimeSpan.FromHours(1),
                'd' => TimeSpan.FromDays(1),
                'w' => TimeSpan.FromDays(7),
                _ => null,
            };
            if (unit is { } u && n <= 100 * 365 * TimeSpan.TicksPerDay / u.Ticks)
            {
                duration = u * n;
                return true;
            }
        }
        return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out duration) && duration > TimeSpan.Zero;
    }
}
