using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Readmes;

/// <summary>What a page shows for a description: sanitized HTML, or text (with a note when it was not rendered).</summary>
public sealed record DescriptionView(ReadmeOutcome Outcome, string? Html, string? Text, string? Note)
{
    public static DescriptionView From(ReadmeOutcome outcome, string? html, string? reason, string? description) => outcome switch
    {
        ReadmeOutcome.Html => new(outcome, html, null, null),
        ReadmeOutcome.PlainText => new(outcome, null, description, null),
        ReadmeOutcome.TooComplex => new(outcome, null, description,
            $"This description was too complex to render ({reason ?? "over the render budget"}), so it is shown as plain text."),
        _ => new(ReadmeOutcome.None, null, null, null),
    };
}

/// <summary>
/// Rendered descriptions: produced when an upload creates a release, before its transaction, and read by the
/// project pages. A release stored before descriptions were rendered at upload (or whose render was put off)
/// is rendered on its first view, under the same budget, and the result stored, so no page renders twice.
/// </summary>
public sealed class ReleaseDescriptions(BulwarkDbContext db, ReadmeRenderer renderer, ReadmeBudget budget, TimeProvider time)
{
    /// <summary>
    /// Renders the description of the release an upload is about to create. Null when the release exists already
    /// (its description came with its first file) or the render worker was busy (the first view renders it).
    /// </summary>
    public async Task<RenderedDescription?> RenderForNewReleaseAsync(long? projectId, string canonicalVersion, string? description, string? contentType, CancellationToken ct)
    {
        if (projectId is { } id && await db.Releases.AsNoTracking().AnyAsync(r => r.ProjectId == id && r.CanonicalVersion == canonicalVersion, ct)) return null;
        return await renderer.RenderAsync(description, contentType, ct) is { } result ? ToRow(result) : null;
    }

    /// <summary>The stored rendering of <paramref name="release"/>, rendering and storing it first if there is none.</summary>
    public async Task<DescriptionView> ForPageAsync(Release release, CancellationToken ct)
    {
        var stored = await db.RenderedDescriptions.AsNoTracking().FirstOrDefaultAsync(d => d.ReleaseId == release.Id, ct);
        if (stored is null || stored.RendererVersion != ReadmeRenderer.Version)
        {
            var result = await renderer.RenderAsync(release.Description, release.DescriptionContentType, ct, budget.ViewSlotWait);
            if (result is null)
            {
                // The worker is busy: show the text now, render on a later view.
                return new(ReadmeOutcome.PlainText, null, release.Description, "This description is shown as plain text until it has been rendered.");
            }
            var row = ToRow(result);
            row.ReleaseId = release.Id;
            await StoreAsync(row, replace: stored is not null);
            stored = row;
        }
        return DescriptionView.From(stored.Outcome, stored.Html, stored.Reason, release.Description);
    }

    private RenderedDescription ToRow(ReadmeResult result) => new()
    {
        RendererVersion = ReadmeRenderer.Version,
        Outcome = result.Outcome,
        Html = result.Html,
        Reason = result.Reason is { Length: > 200 } text ? text[..200] : result.Reason,
        RenderedAt = time.GetUtcNow(),
    };

    private async Task StoreAsync(RenderedDescription row, bool replace)
    {
        // Not cancelled with the request: the render is done, and storing it spares the next view the work.
        if (replace) db.RenderedDescriptions.Update(row);
        else db.RenderedDescriptions.Add(row);
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException)
        {
            // Another view of the same release stored its rendering first; it is the same, so keep theirs.
        }
        finally
        {
            db.Entry(row).State = EntityState.Detached;
        }
    }
}
