namespace Bulwark.Core.Accounts.Devices;

/// <summary>
/// A browser that completed a confirmed sign-in for one account. The browser holds a random 256-bit value
/// in a long-lived HttpOnly cookie; only its SHA-256 is stored here, per user, so a copy of the table cannot
/// be turned into a cookie that passes as a known device.
/// </summary>
public sealed class KnownDevice
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public User User { get; set; } = null!;
    public required byte[] CookieHash { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public string? LastIpAddress { get; set; }
    public string? LastUserAgent { get; set; }
}
