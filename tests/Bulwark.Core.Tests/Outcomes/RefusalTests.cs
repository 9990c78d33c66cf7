using Bulwark.Core.Outcomes;

namespace Bulwark.Core.Tests.Outcomes;

public sealed class RefusalTests
{
    [Fact]
    public void The_factories_set_their_kind()
    {
        Assert.Equal(RefusalKind.Invalid, Refusal.Invalid("m").Kind);
        Assert.Equal(RefusalKind.Unauthenticated, Refusal.Unauthenticated("m").Kind);
        Assert.Equal(RefusalKind.WrongCredentials, Refusal.WrongCredentials("m").Kind);
        Assert.Equal(RefusalKind.Forbidden, Refusal.Forbidden("m").Kind);
        Assert.Equal(RefusalKind.NotFound, Refusal.NotFound("m").Kind);
        Assert.Equal(RefusalKind.Conflict, Refusal.Conflict("m").Kind);
        Assert.Equal(RefusalKind.Gone, Refusal.Gone("m").Kind);
        Assert.Equal(RefusalKind.LinkRejected, Refusal.LinkRejected("m").Kind);
        Assert.Equal(RefusalKind.Unavailable, Refusal.Unavailable("m").Kind);
    }

    [Fact]
    public void A_field_is_kept_for_the_page_to_mark() =>
        Assert.Equal("email", Refusal.Invalid("Enter an e-mail address.", "email").Field);

    [Theory]
    [InlineData(0.2, 1, "1 second")]
    [InlineData(1, 1, "1 second")]
    [InlineData(1.5, 2, "2 seconds")]
    [InlineData(60, 60, "60 seconds")]
    [InlineData(61, 61, "2 minutes")]
    [InlineData(600, 600, "10 minutes")]
    public void A_throttle_rounds_the_wait_up(double seconds, int header, string words)
    {
        var refusal = Refusal.Throttled(TimeSpan.FromSeconds(seconds));
        Assert.Equal(RefusalKind.Throttled, refusal.Kind);
        Assert.Equal(header, refusal.RetryAfterSeconds);
        Assert.Equal($"Too many attempts. Try again in {words}.", refusal.Message);
    }

    [Fact]
    public void A_throttle_may_have_its_own_message()
    {
        var refusal = Refusal.Throttled("Slow down.", TimeSpan.FromMinutes(2));
        Assert.Equal("Slow down.", refusal.Message);
        Assert.Equal(120, refusal.RetryAfterSeconds);
    }

    [Fact]
    public void Without_a_wait_there_is_no_retry_after() => Assert.Equal(0, Refusal.Forbidden("No.").RetryAfterSeconds);

    [Fact]
    public void Refusals_compare_by_value() =>
        Assert.Equal(Refusal.Invalid("Bad.", "name"), new Refusal(RefusalKind.Invalid, "Bad.", "name"));
}
