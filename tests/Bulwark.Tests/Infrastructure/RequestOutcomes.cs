using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Bulwark.Tests.Infrastructure;

/// <summary>
/// Records the status each request ended with, as the server saw it (an exception that escaped the endpoint
/// counts as 500), so a test can wait for a request whose client went away and see how the server finished it.
/// Requests are told apart by path and query: a test gives its request a query of its own.
/// </summary>
public sealed class RequestOutcomes : IStartupFilter
{
    private readonly BlockingCollection<(string Path, int Status)> _finished = new();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, following) =>
        {
            var path = context.Request.Path.Value + context.Request.QueryString.Value;
            try
            {
                await following(context);
                _finished.Add((path, context.Response.StatusCode));
            }
            catch
            {
                _finished.Add((path, 500));
                throw;
            }
        });
        next(app);
    };

    /// <summary>The status the request to <paramref name="path"/> (with its query) ended with, waiting at most <paramref name="timeout"/>.</summary>
    public int WaitFor(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_finished.TryTake(out var outcome, Remaining(deadline)))
        {
            if (outcome.Path == path) return outcome.Status;
        }
        throw new TimeoutException($"No request to {path} finished within {timeout}.");
    }

    private static TimeSpan Remaining(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }
}
