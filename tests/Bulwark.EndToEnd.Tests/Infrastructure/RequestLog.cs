using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bulwark.EndToEnd.Tests.Infrastructure;

public sealed record LoggedRequest(DateTimeOffset At, string Method, string Path, int Status, string? UserAgent)
{
    public override string ToString() => $"{At:HH:mm:ss.fff} {Method} {Path} -> {Status} [{UserAgent}]";
}

/// <summary>
/// Every request the server answered, recorded by a middleware that runs before the app's own, so tests
/// can assert what a real client asked for (e.g. that pip fetched a <c>.metadata</c> file).
/// </summary>
public sealed class RequestLog
{
    private readonly ConcurrentQueue<LoggedRequest> _entries = new();

    public IReadOnlyList<LoggedRequest> Entries => _entries.ToArray();

    /// <summary>Requests logged after <paramref name="since"/> (from <see cref="Mark"/>).</summary>
    public IReadOnlyList<LoggedRequest> Since(int since) => _entries.Skip(since).ToArray();

    public int Mark() => _entries.Count;

    public void Add(LoggedRequest entry) => _entries.Enqueue(entry);

    public string Describe(int since = 0, int max = 60)
    {
        var list = Since(since);
        var shown = list.Skip(Math.Max(0, list.Count - max)).Select(e => "  " + e);
        return $"--- server requests ({list.Count}, last {Math.Min(max, list.Count)} shown) ---\n{string.Join('\n', shown)}";
    }
}

internal sealed class RequestLogStartupFilter(RequestLog log) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (HttpContext context, RequestDelegate nextMiddleware) =>
        {
            var path = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
            var status = 500;
            try
            {
                await nextMiddleware(context);
                status = context.Response.StatusCode;
            }
            finally
            {
                log.Add(new LoggedRequest(DateTimeOffset.UtcNow, context.Request.Method, path, status, context.Request.Headers.UserAgent.ToString()));
            }
        });
        next(app);
    };
}

/// <summary>Keeps the server's warnings and errors (with exceptions) for assertion messages.</summary>
public sealed class ServerLogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public string Describe(int max = 30)
    {
        var all = _lines.ToArray();
        return $"--- server warnings/errors ({all.Length}) ---\n{string.Join('\n', all.Skip(Math.Max(0, all.Length - max)))}";
    }

    public void Dispose() { }

    private sealed class Logger(ServerLogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            // The fixture binds Kestrel to its own loopback port on purpose.
            if (category.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal) && message.StartsWith("Overriding address", StringComparison.Ordinal)) return;
            owner._lines.Enqueue($"  {logLevel} {category}: {message}{(exception is null ? "" : "\n    " + exception.ToString().Replace("\n", "\n    "))}");
        }
    }
}
