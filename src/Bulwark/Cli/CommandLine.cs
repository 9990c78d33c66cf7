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
    private static readonly string[] Verbs = ["user", "token", "project", "names", "scan"];

    /// <summary>The server runs when there is no verb, the verb is <c>serve</c>, or only host options are given.</summary>
    public static bool IsServe(string[] args) => args.Length == 0 || args[0] == "serve" || !Verbs.Contains(args[0]) && args[0] is not ("--help" or "-h" or "-?" or "--version");

    // Configuration added on top of appsettings and environment variables for one RunAsync call (and the
    // verbs it invokes); lets tests run verbs in-process against their own database without touching
    // process-wide environment variables that parallel tests share.
    private static readonly AsyncLocal<IReadOnlyDictionary<string, string?>?> Overrides = new();

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, TextReader? stdin = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        Overrides.Value = settings;
        var root = Build(stdout ?? Console.Out, stderr ?? Console.Error, stdin ?? Console.In);
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
        root.Subcommands.Add(ScanCommand.Build(stdout, stderr));
        return root;
    }

    /// <summary>Runs <paramref name="body"/> against the configured database with a fresh service scope.</summary>
    internal static async Task<int> WithServicesAsync(Func<IServiceProvider, Task<int>> body)
    {
        var builder = Host.CreateApplicationBuilder();
        if (Overrides.Value is { } settings) builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddBulwarkData(builder.Configuration);
        builder.Services.AddBulwarkCore();
        builder.Services.AddBulwarkCliEmail();
        using var host = builder.Build();
        await DataServices.InitializeDatabaseAsync(host.Services);
        await using var scope = host.Services.CreateAsyncScope();
        return await body(scope.ServiceProvider);
    }

    /// <summary>The configuration the server would read (appsettings, environment, overrides), for verbs that need no database.</summary>
    internal static IConfiguration Configuration()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = false, Args = [] });
        if (Overrides.Value is { } settings) builder.Configuration.AddInMemoryCollection(settings);
        return builder.Configuration;
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
