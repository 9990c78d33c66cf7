using Microsoft.Extensions.Logging;

namespace Bulwark.Core.Readmes;

/// <summary>
/// Renders project descriptions on a worker thread of its own, one at a time, within a <see cref="ReadmeBudget"/>.
/// A description is rendered when its release is uploaded (and, for releases stored before rendering moved
/// there, on the first view); pages show the stored result and never render.
/// <para>
/// Why a thread: Markdig and the HTML parser take no cancellation token and recurse, so the render runs on a
/// thread with a stack of known size, stops itself at the deadline through checks inside both libraries, and
/// the caller stops waiting at twice the limit whatever happens. Why one at a time: a render that overran
/// could otherwise be started again and again until every core is busy; the slot is freed only when the
/// worker has really finished, so at most one core is ever spent on descriptions.
/// </para>
/// </summary>
public sealed class ReadmeRenderer(ReadmeBudget budget, TimeProvider time, ILogger<ReadmeRenderer> log)
{
    /// <summary>
    /// Version of the rendering rules (pipeline, allow-list, budget). Stored with each result; a stored result
    /// of another version is rendered again on its next view. Bump it whenever the output would change.
    /// </summary>
    public const int Version = 1;

    private readonly ReadmeMarkdown _markdown = new(budget);
    private readonly SemaphoreSlim _slot = new(1, 1);
    private long _markdownRenders;

    /// <summary>How many Markdown renders this process has started (pages must not add to it).</summary>
    public long MarkdownRenders => Interlocked.Read(ref _markdownRenders);

    /// <summary>
    /// Renders <paramref name="description"/>. Null when the worker stayed busy for <paramref name="slotWait"/>
    /// (default <see cref="ReadmeBudget.SlotWait"/>): nothing is decided then, and the caller shows the text and
    /// leaves the render to a later view.
    /// </summary>
    public async Task<ReadmeResult?> RenderAsync(string? description, string? contentType, CancellationToken ct, TimeSpan? slotWait = null)
    {
        if (_markdown.Classify(description, contentType) is { } done) return done;
        if (!await _slot.WaitAsync(slotWait ?? budget.SlotWait, ct)) return null;

        Interlocked.Increment(ref _markdownRenders);
        var result = new TaskCompletionSource<ReadmeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = new Thread(() => Work(description!, contentType, result), budget.WorkerStackBytes)
        {
            IsBackground = true,
            Name = "Bulwark README render",
        };
        try
        {
            worker.Start();
        }
        catch (Exception e) when (e is OutOfMemoryException or ThreadStartException)
        {
            // No thread to be had: decide nothing now, a later view renders it.
            _slot.Release();
            log.LogWarning(e, "No thread for rendering a project description; it is put off.");
            return null;
        }

        try
        {
            return await result.Task.WaitAsync(budget.TimeLimit * 2, time, ct);
        }
        catch (TimeoutException)
        {
            log.LogWarning("A project description was still rendering after {Limit}; it is shown as text.", budget.TimeLimit * 2);
            return ReadmeResult.TooComplex("it took too long to render");
        }
    }

    private void Work(string description, string? contentType, TaskCompletionSource<ReadmeResult> result)
    {
        try
        {
            var rendered = _markdown.Render(description, contentType, new RenderDeadline(time, budget.TimeLimit));
            if (rendered.Outcome == ReadmeOutcome.TooComplex) log.LogInformation("A project description is shown as text: {Reason}.", rendered.Reason);
            result.TrySetResult(rendered);
        }
        catch (Exception e)
        {
            // Whatever the libraries throw, the description is shown as text; the page must not fail.
            log.LogWarning(e, "Rendering a project description failed; it is shown as text.");
            result.TrySetResult(ReadmeResult.TooComplex("it could not be rendered"));
        }
        finally
        {
            _slot.Release();
        }
    }
}
