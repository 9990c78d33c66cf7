namespace Bulwark.Core.Accounts.Throttling;

public enum ThrottleScope
{
    Account,
    Network,
    Global,
    /// <summary>One browser known to one account (its device cookie).</summary>
    Device,
    /// <summary>One signed-in session.</summary>
    Session,
}

/// <summary>Whether an attempt may proceed; when not, how long until it may (for a Retry-After header).</summary>
public sealed record ThrottleDecision(bool Allowed, TimeSpan RetryAfter, ThrottleScope? Scope, string? Limit)
{
    public static readonly ThrottleDecision Allow = new(true, TimeSpan.Zero, null, null);

    /// <summary>Whole seconds, rounded up and at least 1, as Retry-After wants.</summary>
    public int RetryAfterSeconds => Allowed ? 0 : Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}
