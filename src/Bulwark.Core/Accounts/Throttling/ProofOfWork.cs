using System.Buffers.Binary;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Bulwark.Core.Accounts.Throttling;

/// <summary>A challenge handed to a browser: solve <see cref="Token"/> to <see cref="Bits"/> leading zero bits.</summary>
public sealed record ProofChallenge(string Token, int Bits, DateTimeOffset ExpiresAt);

public enum ProofCheck
{
    Valid,
    /// <summary>No proof was sent.</summary>
    Missing,
    /// <summary>Not a token of ours, altered, or issued for another username.</summary>
    Invalid,
    Expired,
    /// <summary>The nonce does not give the leading zero bits the token asks for.</summary>
    NotSolved,
    /// <summary>Already used once (each solved challenge buys one password check).</summary>
    Spent,
}

/// <summary>
/// Proof-of-work challenges for password sign-in while a limit has tripped: the server issues a signed
/// challenge, the sign-in page's script searches for a nonce, and the answer buys one password check.
/// </summary>
/// <remarks>
/// <para>Why proof of work: a self-hosted index cannot call a third-party CAPTCHA, and refusing every unknown
/// browser (a 429) hands the attacker a switch that locks everyone out. A proof of work keeps sign-in open to
/// anyone willing to spend about a second of a browser's time, while a flood has to spend that for every
/// guess. It is a price, not a wall: native code solves SHA-256 faster than a browser, so the guarantees
/// against guessing come from the per-account limits (the e-mailed link) and per-network refusals; this makes
/// guessing at scale cost the attacker CPU and keeps floods from reaching the password hash for free.</para>
/// <para>Stateless: a token is <c>version | issued (unix seconds) | bits | 16 random bytes | MAC</c> in
/// base64url, the MAC an HMAC-SHA256 (truncated to 128 bits) over the normalised username and those fields,
/// keyed with a key derived from the server's factor key, which every instance shares. So any instance can
/// check any token, a token solved for one username is worthless for another, and nothing is stored until a
/// proof is spent.</para>
/// <para>The work: find a 64-bit counter such that SHA-256(SHA-256(token) ‖ counter, big-endian) starts with
/// <c>bits</c> zero bits; 2^bits hashes on average to find, two to check. The second message is 40 bytes,
/// one SHA-256 block, so a browser's plain script does a few million a second.</para>
/// <para>Single use: a spent token is remembered in memory until it expires. With several instances a proof
/// could be spent once per instance; the limits that count failures are shared through the database, so
/// that buys no extra guesses past them.</para>
/// </remarks>
public sealed class ProofOfWork
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    /// <summary>The most bits a challenge ever asks for (about 16 million hashes: many seconds on a phone).</summary>
    public const int MaxBits = 26;

    private const byte Version = 1;
    private const int HeaderLength = 1 + 8 + 1 + 16;
    private const int MacLength = 16;
    private const int TokenLength = HeaderLength + MacLength;
    private static readonly TimeSpan PruneEvery = TimeSpan.FromSeconds(30);

    private readonly byte[] _key;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, long> _spent = new(StringComparer.Ordinal);
    private long _lastPruneTicks;

    public ProofOfWork(byte[] key, TimeProvider time)
    {
        if (key.Length < 32) throw new ArgumentException("The challenge key must have at least 256 bits.", nameof(key));
        _key = key;
        _time = time;
    }

    /// <summary>A new challenge for <paramref name="accountKey"/> (see <see cref="AuthThrottle.AccountKey"/>).</summary>
    public ProofChallenge Issue(string accountKey, int bits)
    {
        bits = Math.Clamp(bits, 1, MaxBits);
        var now = _time.GetUtcNow();
        var token = new byte[TokenLength];
        token[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(token.AsSpan(1), now.ToUnixTimeSeconds());
        token[9] = (byte)bits;
        RandomNumberGenerator.Fill(token.AsSpan(10, 16));
        Mac(accountKey, token.AsSpan(0, HeaderLength), token.AsSpan(HeaderLength));
        return new ProofChallenge(Base64Url.EncodeToString(token), bits, DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds()) + Lifetime);
    }

    /// <summary>
    /// Checks a solved challenge and, when it is valid, spends it. The cheap checks (shape, MAC, expiry) come
    /// before the hash, and nothing is remembered for a proof that fails, so bad proofs cost the server
    /// almost nothing and fill no memory.
    /// </summary>
    public ProofCheck Spend(string? token, string? nonce, string accountKey)
    {
        if (string.IsNullOrEmpty(token) && string.IsNullOrEmpty(nonce)) return ProofCheck.Missing;
        if (token is null || token.Length > 64 || nonce is null) return ProofCheck.Invalid;
        Span<byte> raw = stackalloc byte[TokenLength];
        if (Base64Url.DecodeFromChars(token, raw, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != TokenLength || raw[0] != Version)
        {
            return ProofCheck.Invalid;
        }
        Span<byte> expected = stackalloc byte[MacLength];
        Mac(accountKey, raw[..HeaderLength], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, raw[HeaderLength..])) return ProofCheck.Invalid;

        var issued = BinaryPrimitives.ReadInt64BigEndian(raw[1..]);
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        // A token from the future (clock skew between instances) gets a minute of grace, no more.
        if (now >= issued + (long)Lifetime.TotalSeconds || issued > now + 60) return ProofCheck.Expired;
        if (!TryParseNonce(nonce, out var counter) || LeadingZeroBits(token, counter) < raw[9]) return ProofCheck.NotSolved;

        PruneIfDue(now);
        return _spent.TryAdd(token, issued + (long)Lifetime.TotalSeconds) ? ProofCheck.Valid : ProofCheck.Spent;
    }

    /// <summary>The nonce as the page sends it: the counter in 16 lower-case hex digits.</summary>
    public static string FormatNonce(ulong counter) => counter.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>How many leading zero bits the answer <paramref name="counter"/> gives for <paramref name="token"/>.</summary>
    public static int LeadingZeroBits(string token, ulong counter)
    {
        Span<byte> message = stackalloc byte[40];
        SHA256.HashData(Encoding.ASCII.GetBytes(token), message);
        BinaryPrimitives.WriteUInt64BigEndian(message[32..], counter);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(message, digest);
        var bits = 0;
        foreach (var b in digest)
        {
            if (b == 0) { bits += 8; continue; }
            return bits + BitOperations.LeadingZeroCount(b) - 24;
        }
        return bits;
    }

    private static bool TryParseNonce(string nonce, out ulong counter)
    {
        counter = 0;
        return nonce.Length == 16 && ulong.TryParse(nonce, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out counter);
    }

    private void Mac(string accountKey, ReadOnlySpan<byte> header, Span<byte> output)
    {
        var data = Encoding.UTF8.GetBytes("bulwark sign-in proof\n" + accountKey + "\n");
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(_key, [.. data, .. header], full);
        full[..MacLength].CopyTo(output);
    }

    private void PruneIfDue(long nowSeconds)
    {
        var now = _time.GetUtcNow();
        if (!Housekeeping.IsDue(ref _lastPruneTicks, now, PruneEvery)) return;
        foreach (var (token, expires) in _spent)
        {
            if (expires <= nowSeconds) _spent.TryRemove(token, out _);
        }
    }
}
