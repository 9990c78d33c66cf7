using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Bulwark.Core.Secrets;

namespace Bulwark.Core.Accounts.TwoFactor;

/// <summary>
/// Encrypts second-factor secrets at rest (today: TOTP seeds) with AES-256-GCM under a server key that
/// lives outside the database.
/// </summary>
/// <remarks>
/// <para>Why encryption and not a hash: to check a TOTP code the server computes the code itself, so it
/// must be able to read the seed. What we can do is make a copy of the database alone useless: the key sits
/// in the data directory (or in configuration), not in a table.</para>
/// <para>Why AES-GCM with our own key rather than ASP.NET Data Protection: Data Protection is built for
/// short-lived payloads (cookies, antiforgery tokens). Its keys expire and rotate on their own schedule, and
/// operators routinely delete the key ring to sign everyone out; doing that would silently destroy every
/// user's authenticator. A dedicated, explicit key with a versioned format keeps that failure mode out,
/// and keeps Bulwark.Core free of ASP.NET.</para>
/// <para>The user id and a purpose string are bound as associated data, so someone with write access to
/// the database cannot move an encrypted seed from one account to another.</para>
/// <para>Format: that of <see cref="SealedBox"/>.</para>
/// </remarks>
public sealed class FactorSecretProtector
{
    public const int KeySize = SealedBox.KeySize;
    private const string What = "factor secret key";

    private readonly SealedBox _box;
    private readonly byte[] _key;

    public FactorSecretProtector(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize) throw new ArgumentException($"The factor secret key must be {KeySize} bytes.", nameof(key));
        // The label is part of every stored seed's key id: it never changes.
        _box = new SealedBox(key, "bulwark factor key id"u8);
        // Kept only as the input of DeriveKey; the derived keys never equal it.
        _key = key.ToArray();
    }

    /// <summary>Encrypts <paramref name="plaintext"/> for one user and purpose.</summary>
    public byte[] Protect(ReadOnlySpan<byte> plaintext, string purpose, long userId) =>
        _box.Seal(plaintext, AssociatedData(purpose, userId));

    /// <summary>Decrypts what <see cref="Protect"/> wrote; throws <see cref="CryptographicException"/> if the
    /// data was altered, belongs to another user or purpose, or was written under another key.</summary>
    public byte[] Unprotect(ReadOnlySpan<byte> protectedData, string purpose, long userId) =>
        _box.Open(protectedData, AssociatedData(purpose, userId));

    /// <summary>
    /// A 256-bit key for another purpose (HKDF-SHA256 with the purpose as info), so features that need a
    /// server secret shared by every instance (signed sign-in challenges) use the same key file without
    /// ever using the same key as the seed encryption.
    /// </summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, KeySize, info: Encoding.UTF8.GetBytes("bulwark derived key: " + purpose));

    private static byte[] AssociatedData(string purpose, long userId)
    {
        var text = Encoding.UTF8.GetBytes(purpose);
        var ad = new byte[text.Length + 8];
        text.CopyTo(ad, 0);
        BinaryPrimitives.WriteInt64BigEndian(ad.AsSpan(text.Length), userId);
        return ad;
    }

    /// <summary>
    /// Reads the base64 key from <paramref name="path"/>, creating it (owner read/write only) with a fresh
    /// random key on first start. Every server sharing one database must share this file.
    /// </summary>
    public static FactorSecretProtector LoadOrCreate(string path) => Using(ServerKeyFile.LoadOrCreate(path, What));

    /// <summary>A key given in configuration (base64 of 32 bytes), for deployments that keep secrets outside the data directory.</summary>
    public static FactorSecretProtector FromBase64(string base64, string source) => Using(ServerKeyFile.FromBase64(base64, source, What));

    private static FactorSecretProtector Using(byte[] key)
    {
        try
        {
            return new FactorSecretProtector(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
