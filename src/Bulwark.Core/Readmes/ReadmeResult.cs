namespace Bulwark.Core.Readmes;

/// <summary>How a project description is shown. Stored as a number: keep the values.</summary>
public enum ReadmeOutcome
{
    /// <summary>No description.</summary>
    None = 0,

    /// <summary>text/markdown, rendered and sanitized: <see cref="ReadmeResult.Html"/> holds it.</summary>
    Html = 1,

    /// <summary>text/plain, text/x-rst or an unknown type: shown as escaped preformatted text.</summary>
    PlainText = 2,

    /// <summary>Markdown over the render budget: shown as escaped text with a note saying so.</summary>
    TooComplex = 3,
}

/// <summary>What rendering a description produced; <see cref="Reason"/> says why it was not rendered.</summary>
public sealed record ReadmeResult(ReadmeOutcome Outcome, string? Html, string? Reason)
{
    public static readonly ReadmeResult None = new(ReadmeOutcome.None, null, null);
    public static readonly ReadmeResult PlainText = new(ReadmeOutcome.PlainText, null, null);

    public static ReadmeResult Rendered(string html) => new(ReadmeOutcome.Html, html, null);

    public static ReadmeResult TooComplex(string reason) => new(ReadmeOutcome.TooComplex, null, reason);
}

/// <summary>Thrown inside a render when the budget is spent; the renderer turns it into <see cref="ReadmeOutcome.TooComplex"/>.</summary>
public sealed class ReadmeBudgetExceededException(string reason) : Exception(reason);
