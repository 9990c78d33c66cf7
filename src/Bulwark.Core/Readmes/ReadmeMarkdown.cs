using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Bulwark.Core.Readmes;

/// <summary>
/// Renders one description, synchronously, within a <see cref="ReadmeBudget"/>: size, pre-scan, Markdig with
/// its nesting limit and a deadline, the sanitizer with its structure guard, the output size. Anything over
/// the budget, and any failure of the libraries, becomes <see cref="ReadmeOutcome.TooComplex"/>. It runs on
/// the worker thread of <see cref="ReadmeRenderer"/>; tests call it directly.
/// </summary>
internal sealed class ReadmeMarkdown
{
    private readonly ReadmeBudget _budget;
    private readonly MarkdownPipeline _pipeline;

    public ReadmeMarkdown(ReadmeBudget budget)
    {
        _budget = budget;
        var builder = new MarkdownPipelineBuilder()
            .UsePipeTables()
            .UseEmphasisExtras()
            .UseAutoLinks()
            .UseTaskLists()
            .UseFootnotes();
        builder.MaximumNestingDepth = budget.MaxNesting;
        builder.Extensions.Add(new MarkdownWatchdog());
        _pipeline = builder.Build();
    }

    /// <summary>The outcome that needs no Markdown parsing, or null when <paramref name="description"/> must be rendered.</summary>
    public ReadmeResult? Classify(string? description, string? contentType)
    {
        if (string.IsNullOrWhiteSpace(description)) return ReadmeResult.None;
        if (!IsMarkdown(contentType)) return ReadmeResult.PlainText;
        if (description.Length > _budget.MaxInputChars) return ReadmeResult.TooComplex($"it is longer than {_budget.MaxInputChars / 1024} KiB");
        return null;
    }

    public ReadmeResult Render(string? description, string? contentType, RenderDeadline deadline)
    {
        if (Classify(description, contentType) is { } done) return done;
        if (ReadmePrescan.FindExcess(description!, _budget) is { } excess) return ReadmeResult.TooComplex(excess);
        try
        {
            var context = new MarkdownParserContext();
            context.Properties[MarkdownWatchdog.DeadlineKey] = deadline;
            var document = Markdown.Parse(description!, _pipeline, context);
            // Counted before any HTML is written: the sanitizer's work grows with the elements it parses.
            if (document.Descendants().Count(node => node is not LiteralInline) > _budget.MaxElements)
            {
                return ReadmeResult.TooComplex($"it has more than {_budget.MaxElements} HTML elements");
            }
            var html = document.ToHtml(_pipeline);
            if (html.Length > _budget.MaxHtmlChars) return ReadmeResult.TooComplex($"its HTML is longer than {_budget.MaxHtmlChars} characters");
            return ReadmeResult.Rendered(ReadmeSanitizer.Sanitize(html, _budget, deadline));
        }
        catch (ReadmeBudgetExceededException e)
        {
            return ReadmeResult.TooComplex(e.Message);
        }
        catch (ArgumentException e) when (e.Message.Contains("too deeply nested", StringComparison.OrdinalIgnoreCase))
        {
            // Markdig's MaximumNestingDepth, for nesting the pre-scan did not see (emphasis inside links...).
            return ReadmeResult.TooComplex($"it is nested more than {_budget.MaxNesting} levels deep");
        }
        catch (InsufficientExecutionStackException)
        {
            return ReadmeResult.TooComplex("it is nested too deeply");
        }
    }

    /// <summary>Only text/markdown is rendered; text/plain, text/x-rst (no maintained .NET renderer) and unknown types are text.</summary>
    public static bool IsMarkdown(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return false;
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("text/markdown", StringComparison.OrdinalIgnoreCase);
    }
}
