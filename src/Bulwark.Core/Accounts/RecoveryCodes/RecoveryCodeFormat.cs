using System.Security.Cryptography;

namespace Bulwark.Core.Accounts.RecoveryCodes;

/// <summary>
/// Recovery codes are 64 random bits written as 16 lowercase hex digits, shown in groups of four
/// (<c>3f9a-0c4e-7b21-d8e5</c>). Input is accepted with or without the hyphens and spaces, in any case.
/// </summary>
/// <remarks>
/// <para>Stored as SHA-256(salt ‖ code bytes) with a 16-byte random salt per code. A fast hash is enough
/// here, unlike for passwords: a password is chosen by a person and falls to a dictionary, while each code
/// is 64 bits from the system RNG. Finding one code of one user from a stolen table costs about 2^61
/// hashes (8 codes) even on dedicated hardware that is years of work, and the salt stops the work from
/// being shared across codes or users. A code alone is also useless without the password.</para>
/// <para>Why not Argon2, as PyPI does: codes are looked up by trying each of a user's unused codes, so a
/// memory-hard hash makes every guess cost the server up to eight Argon2 runs, which turns the sign-in form
/// into a lever for exhausting the server, and buys nothing against a 64-bit random secret. Why not a keyed
/// hash with a server key: recovery codes are what users fall back on when something else is lost, and
/// they must keep working if the data-directory key that protects TOTP seeds is lost.</para>
/// </remarks>
public static class RecoveryCodeFormat
{
    public const int CodesPerSet = 8;
    public const int CodeBytes = 8;
    public const int SaltBytes = 16;

    /// <summary><see cref="CodesPerSet"/> distinct codes, as raw bytes.</summary>
    public static List<byte[]> Generate()
    {
        var codes = new List<byte[]>(CodesPerSet);
        while (codes.Count < CodesPerSet)
        {
            var code = RandomNumberGenerator.GetBytes(CodeBytes);
            if (!codes.Any(c => c.AsSpan().SequenceEqual(code))) codes.Add(code);
        }
        return codes;
    }

    /// <summary>The form shown to the user: four groups of four hex digits.</summary>
    public static string Display(ReadOnlySpan<byte> code)
    {
        var hex = Convert.ToHexStringLower(code);
        return string.Join('-', hex[..4], hex[4..8], hex[8..12], hex[12..16]);
    }

    /// <summary>Parses what a user typed back; false when it cannot be a recovery code.</summary>
    public static bool TryParse(string? input, out byte[] code)
    {
        code = [];
        if (string.IsNullOrEmpty(input) || input.Length > 64) return false;
        Span<char> hex = stackalloc char[CodeBytes * 2];
        var n = 0;
        foreach (var c in input)
        {
            if (c is ' ' or '-' or '\t') continue;
            if (!char.IsAsciiHexDigit(c) || n == hex.Length) return false;
            hex[n++] = char.ToLowerInvariant(c);
        }
        if (n != hex.Length) return false;
        code = Convert.FromHexString(hex);
        return true;
    }

    public static byte[] Hash(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> code)
    {
        Span<byte> input = stackalloc byte[SaltBytes + CodeBytes];
        salt.CopyTo(input);
        code.CopyTo(input[salt.Length..]);
        var hash = SHA256.HashData(input[..(salt.Length + code.Length)]);
        CryptographicOperations.ZeroMemory(input);
        return hash;
    }

    /// <summary>
    /// The index of the code in <paramref name="candidates"/> that <paramref name="code"/> is, or -1.
    /// Every candidate is hashed and compared in constant time, with no early exit.
    /// </summary>
    public static int Find(IReadOnlyList<RecoveryCode> candidates, ReadOnlySpan<byte> code)
    {
        var found = -1;
        for (var i = 0; i < candidates.Count; i++)
        {
            var hash = Hash(candidates[i].Salt, code);
            if (CryptographicOperations.FixedTimeEquals(hash, candidates[i].Hash) && found < 0) found = i;
        }
        return found;
    }
}
