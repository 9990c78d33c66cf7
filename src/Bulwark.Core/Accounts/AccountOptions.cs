using System.ComponentModel.DataAnnotations;

namespace Bulwark.Core.Accounts;

/// <summary>
/// The <c>Bulwark:Accounts</c> configuration section. Defaults are the security baseline's numbers; the
/// validation attributes stop an operator from loosening them past the baseline's ceilings.
/// </summary>
public sealed class AccountOptions
{
    public const string Section = "Bulwark:Accounts";

    public SessionOptions Sessions { get; set; } = new();
    public AccountLinkOptions Links { get; set; } = new();
    public ThrottleOptions Throttling { get; set; } = new();
}

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

public sealed class AccountLinkOptions
{
    /// <summary>E-mail verification links (baseline: at most 24 h).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan VerifyEmailLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Password-reset links (baseline: at most 1 h).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "01:00:00")]
    public TimeSpan ResetPasswordLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Links that confirm a new e-mail address.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan ChangeEmailLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Links that confirm an unrecognised device (Warehouse: 6 h).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "06:00:00")]
    public TimeSpan ConfirmDeviceLifetime { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// Links that finish a sign-in made while the account's failure limit was reached (the right password
    /// from a browser the account does not know). Short: the person is waiting at the sign-in page.
    /// </summary>
    [Range(typeof(TimeSpan), "00:05:00", "01:00:00")]
    public TimeSpan ContinueSignInLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long the "this was not me" link of a new-device mail works: long enough for someone
    /// back from a holiday to read the mail. Opening it only ever locks the account down.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "30.00:00:00")]
    public TimeSpan ReportSignInLifetime { get; set; } = TimeSpan.FromDays(14);
}

public sealed class ThrottleOptions
{
    /// <summary>Failed sign-ins per account in 5 minutes (baseline: 10).</summary>
    [Range(1, 10)]
    public int AccountFailuresPer5Minutes { get; set; } = 10;

    /// <summary>Failed sign-ins per account in an hour (baseline: 100).</summary>
    [Range(1, 100)]
    public int AccountFailuresPerHour { get; set; } = 100;

    /// <summary>Failed sign-ins per client network in 5 minutes (baseline: 10).</summary>
    [Range(1, 10)]
    public int NetworkFailuresPer5Minutes { get; set; } = 10;

    /// <summary>
    /// Failed sign-ins across the whole index in 5 minutes (Warehouse: 1000) before the index counts as under
    /// attack. Past it, browsers the account does not know must solve a proof-of-work challenge to sign in;
    /// nobody is refused outright.
    /// </summary>
    [Range(1, 1_000_000)]
    public int GlobalFailuresPer5Minutes { get; set; } = 1000;

    /// <summary>
    /// Failed sign-ins from one browser known to the account (its device cookie) in 5 minutes. Within this and
    /// <see cref="KnownDeviceFailuresPerDay"/> the owner's usual browser ignores the account-wide and index-wide
    /// counters; past them it is treated like any other browser.
    /// </summary>
    [Range(1, 10)]
    public int KnownDeviceFailuresPer5Minutes { get; set; } = 10;

    /// <summary>Failed sign-ins from one known browser in a day (see <see cref="KnownDeviceFailuresPer5Minutes"/>).</summary>
    [Range(1, 100)]
    public int KnownDeviceFailuresPerDay { get; set; } = 20;

    /// <summary>
    /// Leading zero bits the proof-of-work challenge asks for when nothing else raises it (2^18 SHA-256
    /// evaluations on average: a fraction of a second for a browser). Up to 4 more while an attack lasts.
    /// </summary>
    [Range(12, 24)]
    public int ProofOfWorkBits { get; set; } = 18;

    /// <summary>
    /// Password checks per second (Argon2, about 64 MiB and a few hundred milliseconds of a core each) that
    /// browsers without a proof of work may cause while checks are queueing up. Past it they are asked for
    /// the proof first, so a flood cannot spend the server's cores on hashing.
    /// </summary>
    [Range(1, 1000)]
    public int UnprovenChecksPerSecond { get; set; } = 1;

    /// <summary>Password-reset requests per account key in a day (Warehouse: 5).</summary>
    [Range(1, 100)]
    public int ResetRequestsPerAccountPerDay { get; set; } = 5;

    /// <summary>Password-reset requests per client network in an hour.</summary>
    [Range(1, 1000)]
    public int ResetRequestsPerNetworkPerHour { get; set; } = 20;

    /// <summary>Failed second-factor attempts (TOTP, recovery code, security key) per account in 5 minutes (baseline: 5).</summary>
    [Range(1, 5)]
    public int SecondFactorFailuresPerAccountPer5Minutes { get; set; } = 5;

    /// <summary>Failed second-factor attempts per account in an hour (baseline: 20).</summary>
    [Range(1, 20)]
    public int SecondFactorFailuresPerAccountPerHour { get; set; } = 20;

    /// <summary>Failed second-factor attempts (and passkey sign-ins) per client network in 5 minutes (baseline: 10).</summary>
    [Range(1, 10)]
    public int SecondFactorFailuresPerNetworkPer5Minutes { get; set; } = 10;
}
