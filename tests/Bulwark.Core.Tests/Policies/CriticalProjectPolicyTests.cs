using Bulwark.Core.Packaging;
using Bulwark.Core.Policies;

namespace Bulwark.Core.Tests.Policies;

public sealed class CriticalProjectPolicyTests
{
    private static readonly DateTimeOffset Since = new(2025, 7, 1, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Rules_apply_from_the_stored_deadline_on()
    {
        var deadline = Since.AddDays(30);
        Assert.Equal(CriticalStage.NotCritical, CriticalProjectPolicy.Evaluate(null, null, deadline));
        Assert.Equal(CriticalStage.GracePeriod, CriticalProjectPolicy.Evaluate(Since, deadline, Since));
        Assert.Equal(CriticalStage.GracePeriod, CriticalProjectPolicy.Evaluate(Since, deadline, deadline.AddTicks(-1)));
        Assert.Equal(CriticalStage.Enforced, CriticalProjectPolicy.Evaluate(Since, deadline, deadline));
    }

    [Fact]
    public void A_zero_grace_period_or_a_missing_deadline_enforces_at_once()
    {
        Assert.Equal(CriticalStage.Enforced, CriticalProjectPolicy.Evaluate(Since, Since, Since));
        Assert.Equal(CriticalStage.Enforced, CriticalProjectPolicy.Evaluate(Since, null, Since));
    }

    [Fact]
    public void The_notice_says_what_to_do_and_by_when()
    {
        var recipient = new NoticeRecipient(1, "alice", "alice@example.com", ProjectRoleKind.Owner);
        var notice = new CriticalProjectNotice(5, "Sample-Pkg", CriticalReason.Downloads, Since, Since.AddDays(30), [recipient]);
        Assert.Equal("Sample-Pkg is now a critical project", notice.Subject);
        var body = notice.TextBody(recipient);
        Assert.Contains("Hello alice,", body);
        Assert.Contains("two-factor authentication", body);
        Assert.Contains("from 2025-07-31 03:00 UTC", body);
        Assert.Contains("most downloaded", body);
        Assert.False(notice.EnforcedAtOnce);

        var atOnce = notice with { EnforceAfter = Since, Reason = CriticalReason.AlwaysCriticalList };
        Assert.True(atOnce.EnforcedAtOnce);
        Assert.Contains("This applies from now on.", atOnce.TextBody(recipient));
        Assert.Contains("administrators of this index listed it", atOnce.TextBody(recipient));
    }
}
