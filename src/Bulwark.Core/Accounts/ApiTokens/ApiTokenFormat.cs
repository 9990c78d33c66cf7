using System.Buffers.Text;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace Bulwark.Core.Accounts.ApiTokens;

/// <summary>
/// The wire form of an API token: <c>bulwark_</c> + base64url(16-byte id ‖ 32-byte secret) + 8 hex CRC-32.
/// The fixed prefix lets secret scanners find leaked tokens; the CRC lets them (and our leak endpoint)
/// discard look-alikes without a database query. The id is public and only used for lookup; the
/// 256-bit secret is what authenticates.
/// </summary>
public static class ApiTokenFormat
{
    public const string Prefix = "bulwark_";
    private const int IdBytes = 16;
    private const int SecretBytes = 32;
    private const int BodyChars = 64; // base64url of 48 bytes, no padding
    public const int Length = 8 + BodyChars + 8;

    public static (string Token, Guid Id, byte[] SecretHash) Create()
    {
        Span<byte> raw = stackalloc byte[IdBytes + SecretBytes];
        RandomNumberGenerator.Fill(raw);
        var id = new Guid(raw[..IdBytes]);
        var body = Base64Url.EncodeToString(raw);
        var token = Prefix + body + Checksum(body);
        var hash = HashSecret(raw[IdBytes..]);
        CryptographicOperations.ZeroMemory(raw);
        return (token, id, hash);
    }

    /// <summary>Splits a presented token into id and secret hash; false if it is not shaped like one of ours.</summary>
    public static bool TryParse(string? token, out Guid id, out byte[] secretHash)
    {
        id = Guid.Empty;
        secretHash = [];
        if (token is null || token.Length != Length || !token.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var body = token.AsSpan(Prefix.Length, BodyChars);
        var check = token.AsSpan(Prefix.Length + BodyChars);
        if (!check.SequenceEqual(Checksum(body))) return false;
        Span<byte> raw = stackalloc byte[IdBytes + SecretBytes];
        if (Base64Url.DecodeFromChars(body, raw, out _, out var written) != System.Buffers.OperationStatus.Done || written != raw.Length)
        {
            return false;
        }
        id = new Guid(raw[..IdBytes]);
        secretHash = HashSecret(raw[IdBytes..]);
        CryptographicOperations.ZeroMemory(raw);
        return true;
    }

    /// <summary>
    /// A plain SHA-256 is the right tool here: the secret is 256 random bits, so there is nothing for a
    /// slow password hash to protect against, and verification stays cheap on every upload.
    /// </summary>
    private static byte[] HashSecret(ReadOnlySpan<byte> secret) => SHA256.HashData(secret);

    private static string Checksum(ReadOnlySpan<char> body)
    {
        Span<byte> ascii = stackalloc byte[body.Length];
        for (var i = 0; i < body.Length; i++) ascii[i] = (byte)body[i];
        return Crc32.HashToUInt32(ascii).ToString("x8");
    }
}
