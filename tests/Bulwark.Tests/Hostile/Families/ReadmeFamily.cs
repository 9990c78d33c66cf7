using Bulwark.Core.Tests.Readmes;
using Bulwark.Tests.Infrastructure;
using static Bulwark.Tests.Hostile.HostileRequests;

namespace Bulwark.Tests.Hostile.Families;

/// <summary>
/// Project descriptions built to make rendering slow, deep or large (see <see cref="PathologicalReadmes"/>).
/// Warehouse accepts such Markdown, and so does Bulwark: each upload must succeed, and the project page must
/// then answer 200 with the text, rendered once at upload within the budget or shown as plain text. What
/// Warehouse refuses (a content type it does not know, a description past the form's size limit) is refused.
/// </summary>
[HostileFamily]
public static class ReadmeFamily
{
    private const string F = "readme";

    public static IEnumerable<HostileCase> Cases()
    {
        foreach (var readme in PathologicalReadmes.All)
        {
            var project = "readme-" + readme.Name;
            var spec = new TestDistributions.Spec(project, "1.0") { Description = readme.Text, DescriptionContentType = readme.ContentType };
            yield return new(F, readme.Name, c => Upload(c, spec), HostileExpectation.Accepted(project, readme.Marker));
        }

        yield return new(F, "html-content-type", c => Upload(c, f => f.Set("description_content_type", "text/html")),
            HostileExpectation.Refused("description-content-type"));
        yield return new(F, "unknown-markdown-variant", c => Upload(c, f => f.Set("description_content_type", "text/markdown; variant=Hostile")),
            HostileExpectation.Refused("variant"));
        yield return new(F, "description-over-the-form-limit", c => Upload(c, f => f.Set("description", new string('[', 17 * 1024 * 1024))),
            HostileExpectation.Refused("too large"));
    }
}
