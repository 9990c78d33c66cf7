using Bulwark.Core.Outcomes;

namespace Bulwark.Core.Tests.Outcomes;

public sealed class OutcomeTests
{
    private static Outcome<int> Parse(string text) =>
        int.TryParse(text, out var n) ? n : Refusal.Invalid($"'{text}' is not a number.", "count");

    [Fact]
    public void A_value_converts_to_a_successful_outcome()
    {
        var outcome = Parse("42");
        Assert.True(outcome.Succeeded);
        Assert.Null(outcome.Refusal);
        Assert.Equal(42, outcome.Value);
        Assert.True(outcome.TryGetValue(out var value, out var refusal));
        Assert.Equal(42, value);
        Assert.Null(refusal);
    }

    [Fact]
    public void A_refusal_converts_to_a_refused_outcome()
    {
        var outcome = Parse("x");
        Assert.False(outcome.Succeeded);
        Assert.False(outcome.TryGetValue(out _, out var refusal));
        Assert.Equal(new Refusal(RefusalKind.Invalid, "'x' is not a number.", "count"), refusal);
    }

    [Fact]
    public void Reading_the_value_of_a_refusal_throws_with_its_message()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Parse("x").Value);
        Assert.Contains("'x' is not a number.", e.Message);
    }

    [Fact]
    public void Null_is_neither_a_value_nor_a_refusal()
    {
        Assert.Throws<ArgumentNullException>(() => Outcome<string>.Ok(null!));
        Assert.Throws<ArgumentNullException>(() => Outcome<string>.Refused(null!));
        Assert.Throws<ArgumentNullException>(() => Outcome.Refused(null!));
    }

    [Fact]
    public void Match_takes_the_branch_of_the_outcome()
    {
        Assert.Equal("ok 3", Parse("3").Match(n => $"ok {n}", r => r.Message));
        Assert.Equal("Invalid", Parse("three").Match(n => "ok", r => r.Kind.ToString()));
    }

    [Fact]
    public void Then_chains_values_and_carries_refusals_over()
    {
        static Outcome<string> Positive(int n) => n > 0 ? $"+{n}" : Refusal.Forbidden("Not positive.");
        Assert.Equal("+5", Parse("5").Then(Positive).Value);
        Assert.Equal(RefusalKind.Forbidden, Parse("-5").Then(Positive).Refusal?.Kind);
        var first = Parse("nope").Then(Positive);
        Assert.Equal("'nope' is not a number.", first.Refusal?.Message);
    }

    [Fact]
    public void An_outcome_without_value_is_done_or_refused()
    {
        Assert.True(Outcome.Ok().Succeeded);
        Outcome refused = Refusal.Gone("Retired.");
        Assert.False(refused.Succeeded);
        Assert.Equal(RefusalKind.Gone, refused.Refusal.Kind);
        Assert.Equal("Refused(Gone: Retired.)", refused.ToString());
        Assert.Equal("Ok", Outcome.Ok().ToString());
    }

    [Fact]
    public void Default_outcome_without_value_is_success() => Assert.True(default(Outcome).Succeeded);
}
