using Bulwark.Core.Outcomes;
using Bulwark.Core.Uploads;

namespace Bulwark.Core.Tests.Uploads;

/// <summary>The metric label of an upload refusal: from the message's stable opening, else from the refusal's kind.</summary>
public sealed class UploadRefusalReasonTests
{
    [Theory]
    [InlineData(RefusalKind.Invalid, "invalid")]
    [InlineData(RefusalKind.Forbidden, "forbidden")]
    [InlineData(RefusalKind.Unauthenticated, "forbidden")]
    [InlineData(RefusalKind.Conflict, "conflict")]
    [InlineData(RefusalKind.Gone, "gone")]
    [InlineData(RefusalKind.Throttled, "other")]
    [InlineData(RefusalKind.NotFound, "other")]
    public void A_message_not_listed_falls_back_to_its_kind(RefusalKind kind, string label) =>
        Assert.Equal(label, UploadRefusalReason.Of(new Refusal(kind, "Something no fragment matches.")));

    [Fact]
    public void The_message_wins_over_the_kind() =>
        Assert.Equal("duplicate", UploadRefusalReason.Of(Refusal.Conflict("File already exists ('a-1.0.tar.gz', with blake2_256 hash 'ab').")));

    [Fact]
    public void The_first_listed_fragment_wins() =>
        // "project-scoped token" comes before "Invalid API Token" in the list: a scope refusal is about permission.
        Assert.Equal("permission", UploadRefusalReason.Of(Refusal.Unauthenticated("Invalid API Token: project-scoped token is not valid for project: 'x'")));

    [Fact]
    public void A_retired_action_from_the_form_checks_is_labelled_gone()
    {
        var fields = UploadForms.Wheel((":action", "doc_upload"));
        var refusal = FormChecks.Check(fields);
        Assert.NotNull(refusal);
        Assert.Equal("gone", UploadRefusalReason.Of(refusal));
    }

    [Fact]
    public void The_labels_are_a_small_fixed_set_whatever_the_message()
    {
        var labels = Enumerable.Range(0, 200)
            .Select(i => UploadRefusalReason.Of(Refusal.Invalid($"The name 'p{i}' is too similar to an existing project, 'q{i}'.")))
            .Distinct().ToList();
        Assert.Equal(["project_name"], labels);
    }
}
