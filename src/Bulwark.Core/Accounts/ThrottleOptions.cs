using System.ComponentModel.DataAnnotations;

namespace Bulwark.Core.Accounts;

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

    /// <summary>
    /// Sign-ups per client network in an hour. Each one costs an Argon2 derivation (about 64 MiB and a fraction of
    /// a second of a core) and a mail to the address given, so an anonymous form must not offer either without bound.
    /// </summary>
    [Range(1, 10000)]
    public int RegistrationsPerNetworkPerHour { get; set; } = 20;

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
