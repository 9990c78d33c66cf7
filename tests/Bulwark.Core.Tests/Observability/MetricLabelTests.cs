using System.Diagnostics.Metrics;
using Bulwark.Core.Observability;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Uploads;

namespace Bulwark.Core.Tests.Observability;

public sealed class MetricLabelTests
{
    [Theory]
    [InlineData(RefusalKind.Forbidden, "Invalid or non-existent authentication information. See https://example/help", "authentication")]
    [InlineData(RefusalKind.Forbidden, "Invalid API Token: the token expired at 2024-01-01", "authentication")]
    [InlineData(RefusalKind.Forbidden, "Invalid API Token: project-scoped token is not valid for project: 'x'", "permission")]
    [InlineData(RefusalKind.Forbidden, "The user 'bob' isn't allowed to upload to project 'x'.", "permission")]
    [InlineData(RefusalKind.Forbidden, "User 'bob' has no second factor; this index requires two-factor authentication for uploads", "two_factor")]
    [InlineData(RefusalKind.Invalid, "File already exists ('x-1.0.tar.gz', with blake2_256 hash 'ab').", "duplicate")]
    [InlineData(RefusalKind.Invalid, "Only one sdist may be uploaded per release.", "duplicate")]
    [InlineData(RefusalKind.Invalid, "File too large. Limit for project 'x' is 100 MB.", "too_large")]
    [InlineData(RefusalKind.Invalid, "The digest supplied does not match a digest calculated from the uploaded file.", "digest_mismatch")]
    [InlineData(RefusalKind.Invalid, "The name 'requests2' is too similar to an existing project, 'requests'.", "project_name")]
    [InlineData(RefusalKind.Invalid, "Unknown protocol version.", "invalid")]
    [InlineData(RefusalKind.Conflict, "The project 'x' was created by another upload at the same moment. Retry the upload.", "conflict")]
    public void A_refusal_gets_a_fixed_label_and_never_its_message(RefusalKind kind, string message, string reason)
    {
        Assert.Equal(reason, UploadRefusalReason.Of(new Refusal(kind, message)));
    }

    [Theory]
    [InlineData("SignedIn", "signed_in")]
    [InlineData("WrongCredentials", "wrong_credentials")]
    [InlineData("success", "success")]
    public void Outcomes_become_snake_case_labels(string outcome, string label) => Assert.Equal(label, BulwarkMetrics.Snake(outcome));

    [Fact]
    public void Uploads_are_counted_on_the_Bulwark_meter_with_their_outcome()
    {
        var seen = new List<(string Instrument, long Value, string? Outcome)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == BulwarkMetrics.MeterName) l.EnableMeasurementEvents(instrument); },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? outcome = null;
            foreach (var tag in tags) if (tag.Key == "outcome") outcome = tag.Value as string;
            lock (seen) seen.Add((instrument.Name, value, outcome));
        });
        listener.Start();

        BulwarkMetrics.UploadAccepted(alreadyStored: false, bytes: 1234);
        BulwarkMetrics.UploadAccepted(alreadyStored: true, bytes: 99);

        lock (seen)
        {
            Assert.Contains(("bulwark.uploads", 1L, "stored"), seen);
            Assert.Contains(("bulwark.uploads", 1L, "already_stored"), seen);
            Assert.Contains(("bulwark.upload.bytes", 1234L, null), seen);
            Assert.DoesNotContain(("bulwark.upload.bytes", 99L, null), seen);
        }
    }
}
