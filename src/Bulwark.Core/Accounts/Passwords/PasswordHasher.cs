using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Bulwark.Core.Accounts.Passwords;

/// <summary>
/// Argon2id password hashes in PHC string form (<c>$argon2id$v=19$m=…,t=…,p=1$salt$hash</c>). Parameters
/// travel with each hash so they can be raised later; <see cref="NeedsRehash"/> tells sign-in to upgrade.
/// </summary>
public sealed class PasswordHasher
{
    /// <summary>RFC 9106's second recommended setting (64 MiB, 3 passes); libsodium supports one lane only.</summary>
    public static readonly Argon2Settings Default = new(MemoryKiB: 64 * 1024, Passes: 3);

    public const int MaxPasswordBytes = 4096;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private readonly Argon2Settings _settings;
    private long _derivations;

    public PasswordHasher(Argon2Settings? settings = null) => _settings = settings ?? Default;

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, _settings);
        return $"$argon2id$v=19$m={_settings.MemoryKiB},t={_settings.Passes},p=1${Encode(salt)}${Encode(hash)}";
    }

    public bool Verify(string encoded, string password)
    {
        if (!TryDecode(encoded, out var settings, out var salt, out var expected)) return false;
        var actual = Derive(password, salt, settings);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>
    /// Spends the time of one verification and returns false. Sign-in calls it when there is no hash to
    /// check (unknown user, automation account), so the answer's timing does not tell those apart from a
    /// wrong password.
    /// </summary>
    public bool VerifyNothing(string password)
    {
        var salt = new byte[SaltBytes];
        var bytes = Encoding.UTF8.GetByteCount(password);
        _ = Derive(bytes <= MaxPasswordBytes ? password : "", salt, _settings);
        return false;
    }

    /// <summary>
    /// How many Argon2 derivations this hasher has run. Every sign-in attempt must cost exactly one, whether the
    /// account exists or not; counting them shows that property without measuring time.
    /// </summary>
    public long Derivations => Interlocked.Read(ref _derivations);

    public bool NeedsRehash(string encoded) =>
        !TryDecode(encoded, out var s, out _, out _) || s.MemoryKiB < _settings.MemoryKiB || s.Passes < _settings.Passes;

    private byte[] Derive(string password, byte[] salt, Argon2Settings settings)
    {
        Interlocked.Increment(ref _derivations);
        var bytes = Encoding.UTF8.GetBytes(password);
        if (bytes.Length > MaxPasswordBytes)
        {
            // Bounded so a huge "password" cannot be used to burn CPU; never silently truncated.
            throw new ArgumentException($"Passwords are limited to {MaxPasswordBytes} bytes.", nameof(password));
        }
        var algorithm = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            DegreeOfParallelism = 1,
            MemorySize = settings.MemoryKiB,
            NumberOfPasses = settings.Passes,
        });
        try
        {
            return algorithm.DeriveBytes(bytes, salt, HashBytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static bool TryDecode(string encoded, out Argon2Settings settings, out byte[] salt, out byte[] hash)
    {
        settings = Default;
        salt = hash = [];
        var parts = encoded.Split('$');
        if (parts.Length != 6 || parts[1] != "argon2id" || parts[2] != "v=19") return false;
        long m = 0, t = 0;
        foreach (var kv in parts[3].Split(','))
        {
            var pair = kv.Split('=');
            if (pair.Length != 2 || !long.TryParse(pair[1], out var value)) return false;
            switch (pair[0])
            {
                case "m": m = value; break;
                case "t": t = value; break;
                case "p" when value == 1: break;
                default: return false;
            }
        }
        if (m < 8 || t < 1) return false;
        try
        {
            salt = Decode(parts[4]);
            hash = Decode(parts[5]);
        }
        catch (FormatException)
        {
            return false;
        }
        settings = new Argon2Settings(m, (int)t);
        return salt.Length >= 8 && hash.Length >= 16;
    }

    private static string Encode(byte[] b) => Convert.ToBase64String(b).TrimEnd('=');

    private static byte[] Decode(string s) => Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
}

public sealed record Argon2Settings(long MemoryKiB, int Passes);
