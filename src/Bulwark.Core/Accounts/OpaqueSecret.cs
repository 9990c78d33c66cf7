using System.Buffers.Text;
using System.Security.Cryptography;

namespace Bulwark.Core.Accounts;

/// <summary>
/// 256-bit random secrets for session ids and one-time e-mail links, written as 43 base64url characters.
/// Only <see cref="Hash"/> of a secret is stored and looked up.
/// </summary>
/// <remarks>
/// Looking a row up by the hash (a unique index) is safe without a constant-time comparison: timing can
/// at best reveal how much of a stored SHA-256 an attacker's chosen <em>hash</em> shares, and without a
/// preimage for those bytes that says nothing about any secret. A slow hash would add nothing either: the
/// secret has 256 bits of entropy, so there is no dictionary to make expensive.
/// </remarks>
public static class OpaqueSecret
{
    private const int SecretBytes = 32;
    public const int EncodedLength = 43;

    public static (string Secret, byte[] Hash) Create()
    {
        Span<byte> raw = stackalloc byte[SecretBytes];
        RandomNumberGenerator.Fill(raw);
        var text = Base64Url.EncodeToString(raw);
        var hash = SHA256.HashData(raw);
        CryptographicOperations.ZeroMemory(raw);
        return (text, hash);
    }

    /// <summary>The stored form of a presented secret, or null when it is not shaped like one of ours.</summary>
    public static byte[]? Hash(string? secret)
    {
        if (secret is null || secret.Length != EncodedLength) return null;
        Span<byte> raw = stackalloc byte[SecretBytes];
        if (Base64Url.DecodeFromChars(secret, raw, out _, out var written) != System.Buffers.OperationStatus.Done || written != SecretBytes)
        {
            return null;
        }
        // Re-encoding must give back the same text, so each secret has exactly one accepted spelling.
        if (!string.Equals(Base64Url.EncodeToString(raw), secret, StringComparison.Ordinal)) return null;
        var hash = SHA256.HashData(raw);
        CryptographicOperations.ZeroMemory(raw);
        return hash;
    }
}
