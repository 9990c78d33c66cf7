using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Bulwark.Tests.Infrastructure;

/// <summary>
/// Records the status each request ended with, as the server saw it (an exception that escaped the endpoint
/// counts as 500), so a test can wait for a request whose client went away and see how the server finished it.
/// </summary>
public sealed class RequestOutcomes : IStartupFilter
{
    private readonly BlockingCollection<(string Path, int Status)> _finished = new();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, following) =>
        {
            var path = context.Request.Path.Value ?? "";
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

    /// <summary>The status of the next request to <paramref name="path"/> that finishes, waiting at most <paramref name="timeout"/>.</summary>
    public int WaitFor(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_finished.TryTake(out var outcome, deadline - DateTime.UtcNow > TimeSpan.Zero ? deadline - DateTime.UtcNow : TimeSpan.Zero))
        {
            if (outcome.Path == path) return outcome.Status;
        }
        throw new TimeoutException($"No request to {path} finished within {timeout}.");
    }
}
