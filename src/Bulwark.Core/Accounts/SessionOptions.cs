using System.ComponentModel.DataAnnotations;

namespace Bulwark.Core.Accounts;

public sealed class SessionOptions
{
    /// <summary>A session ends this long after sign-in whatever happens (baseline: at most 12 h).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "12:00:00")]
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>A session ends after this long without a request (baseline: at most 30 min for management pages).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "00:30:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a "password verified, second factor pending" session may wait for the second step.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "00:10:00")]
    public TimeSpan SecondFactorTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How recent an authentication must be for sensitive actions ("sudo"; baseline: at most 10 min).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "00:10:00")]
    public TimeSpan ReauthenticationWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Last-seen is written at most this often, so every page view does not become a database write.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan TouchInterval { get; set; } = TimeSpan.FromMinutes(1);
}
