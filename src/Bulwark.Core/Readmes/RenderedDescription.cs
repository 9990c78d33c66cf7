using Bulwark.Core.Packaging;

namespace Bulwark.Core.Readmes;

/// <summary>
/// A release's description as the project pages show it, rendered once within the budget. Kept apart from
/// <see cref="Release"/> so the APIs that read releases do not load the HTML too.
/// </summary>
public sealed class RenderedDescription
{
    public long ReleaseId { get; set; }
    public Release Release { get; set; } = null!;

    /// <summary><see cref="ReadmeRenderer.Version"/> at the time of rendering.</summary>
    public int RendererVersion { get; set; }

    public ReadmeOutcome Outcome { get; set; }

    /// <summary>The sanitized HTML, for <see cref="ReadmeOutcome.Html"/> only (the other outcomes show the description as text).</summary>
    public string? Html { get; set; }

    /// <summary>Why the description was not rendered, for <see cref="ReadmeOutcome.TooComplex"/>.</summary>
    public string? Reason { get; set; }

    public DateTimeOffset RenderedAt { get; set; }
}
