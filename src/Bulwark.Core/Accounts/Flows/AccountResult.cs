namespace Bulwark.Core.Accounts.Flows;

public enum AccountStatus
{
    Succeeded,
    /// <summary>A form value is wrong; <see cref="AccountResult.Field"/> names it.</summary>
    Invalid,
    /// <summary>A one-time link was unknown, expired, used or superseded.</summary>
    LinkRejected,
    /// <summary>The current password (or the sign-in credentials) did not match.</summary>
    WrongCredentials,
    /// <summary>Too many attempts; answer 429 with <see cref="AccountResult.RetryAfterSeconds"/>.</summary>
    Throttled,
    /// <summary>The account may not do this (frozen, automation account).</summary>
    Refused,
}

/// <summary>The answer of an account flow; <see cref="Message"/> is safe to show as it is.</summary>
public sealed record AccountResult(AccountStatus Status, string Message, string? Field = null, int RetryAfterSeconds = 0)
{
    public bool Succeeded => Status == AccountStatus.Succeeded;

    public static AccountResult Ok(string message) => new(AccountStatus.Succeeded, message);
    public static AccountResult InvalidField(string field, string message) => new(AccountStatus.Invalid, message, field);
    public static AccountResult Throttled(int retryAfterSeconds) =>
        new(AccountStatus.Throttled, $"Too many attempts. Try again in {DescribeWait(retryAfterSeconds)}.", RetryAfterSeconds: retryAfterSeconds);

    internal static string DescribeWait(int seconds) =>
        seconds <= 60 ? $"{seconds} second{(seconds == 1 ? "" : "s")}" : $"{(seconds + 59) / 60} minutes";
}
