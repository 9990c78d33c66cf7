using System.Security.Cryptography;
using OtpNet;

namespace Bulwark.Core.Accounts.Totp;

/// <summary>How a presented code compares with the authenticator's secret at a given time.</summary>
public enum TotpCheck
{
    Accepted = 1,
    /// <summary>Not a code of this authenticator anywhere near now.</summary>
    Invalid = 2,
    /// <summary>A code of this authenticator, but for a time step 2 to 10 steps away: its clock is off.</summary>
    OutOfSync = 3,
    /// <summary>A code for a time step that was already accepted (or an earlier one): never accepted twice.</summary>
    Replayed = 4,
}

/// <summary>The result of matching a code: the verdict and, when it matched, the time step it belongs to.</summary>
public readonly record struct TotpMatch(TotpCheck Check, long? Step);

/// <summary>
/// RFC 6238 with PyPI's parameters: HMAC-SHA-1, 6 digits, 30-second steps counted from the Unix epoch.
/// Pure functions; the services around them store state and write the audit trail.
/// </summary>
public static class TotpCodes
{
    public const int SecretBytes = 20; // 160 bits, RFC 4226's recommended length
    public const int Digits = 6;
    public const int StepSeconds = 30;
    /// <summary>Steps either side of now that are accepted: one, to absorb a code typed at a step boundary.</summary>
    public const int AcceptedSteps = 1;
    /// <summary>Steps either side of now in which a match is reported as "out of sync" instead of "invalid".</summary>
    public const int SyncHintSteps = 10;

    public static long StepAt(DateTimeOffset time) => Math.DivRem(time.ToUnixTimeSeconds(), StepSeconds).Quotient;

    public static string Compute(byte[] secret, long step) => new Hotp(secret, OtpHashMode.Sha1, Digits).ComputeHOTP(step);

    /// <summary>Accepts "123456" or "123 456"; anything else is not a code.</summary>
    public static bool TryNormalize(string? input, out string code)
    {
        code = "";
        if (string.IsNullOrEmpty(input) || input.Length > 16) return false;
        Span<char> digits = stackalloc char[Digits];
        var n = 0;
        foreach (var c in input)
        {
            if (c is ' ' or '\t') continue;
            if (c is < '0' or > '9' || n == Digits) return false;
            digits[n++] = c;
        }
        if (n != Digits) return false;
        code = new string(digits);
        return true;
    }

    /// <summary>
    /// Matches <paramref name="code"/> (normalized) against every step within ±<see cref="SyncHintSteps"/> of
    /// <paramref name="now"/>. Every candidate is computed and compared in constant time, with no early exit,
    /// so the response time says nothing about which step (if any) matched.
    /// </summary>
    public static TotpMatch Match(byte[] secret, string code, DateTimeOffset now, long? lastAcceptedStep)
    {
        var current = StepAt(now);
        var presented = System.Text.Encoding.ASCII.GetBytes(code);
        long? fresh = null;       // within ±1 and newer than anything accepted
        long? reused = null;      // within ±1 but not newer than the last accepted step
        var exactReplay = false;  // the very step accepted last time, wherever it is now
        long? nearby = null;      // within ±10 only
        var hotp = new Hotp(secret, OtpHashMode.Sha1, Digits);
        // Search order 0, -1, +1, -2, +2, ...: the nearest matching step wins if a code repeats.
        for (var i = 0; i <= 2 * SyncHintSteps; i++)
        {
            var offset = (i + 1) / 2 * (i % 2 == 0 ? 1 : -1);
            var step = current + offset;
            var expected = System.Text.Encoding.ASCII.GetBytes(hotp.ComputeHOTP(step));
            var equal = CryptographicOperations.FixedTimeEquals(expected, presented);
            if (!equal) continue;
            var alreadyAccepted = lastAcceptedStep is { } last && step <= last;
            if (lastAcceptedStep == step) exactReplay = true;
            if (Math.Abs(offset) <= AcceptedSteps)
            {
                if (!alreadyAccepted) fresh ??= step;
                else reused ??= step;
            }
            else
            {
                nearby ??= step;
            }
        }
        if (fresh is { } f) return new(TotpCheck.Accepted, f);
        if (reused is { } r) return new(TotpCheck.Replayed, r);
        // The code accepted last time, presented again after its window closed: still a replay, and the
        // more telling one (a captured code being tried late).
        if (exactReplay) return new(TotpCheck.Replayed, lastAcceptedStep);
        if (nearby is { } n) return new(TotpCheck.OutOfSync, n);
        return new(TotpCheck.Invalid, null);
    }

    /// <summary>The provisioning URI authenticator apps read from the QR code (Google's key-uri format).</summary>
    public static string OtpauthUri(string issuer, string accountName, string base32Secret)
    {
        var label = Uri.EscapeDataString(issuer) + ":" + Uri.EscapeDataString(accountName);
        return $"otpauth://totp/{label}?secret={base32Secret}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={Digits}&period={StepSeconds}";
    }
}
