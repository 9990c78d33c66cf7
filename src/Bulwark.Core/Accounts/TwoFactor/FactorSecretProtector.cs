using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

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
/// <para>Format: version (1 byte) | key id (4) | nonce (12) | tag (16) | ciphertext.</para>
/// </remarks>
public sealed class FactorSecretProtector
{
    public const int KeySize = 32;
    private const byte Version = 1;
    private const int KeyIdSize = 4;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + KeyIdSize + NonceSize + TagSize;

    private readonly byte[] _key;
    private readonly byte[] _keyId;

    public FactorSecretProtector(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize) throw new ArgumentException($"The factor secret key must be {KeySize} bytes.", nameof(key));
        _key = key.ToArray();
        // A short fingerprint of the key travels with each ciphertext, so a wrong key is reported as such
        // instead of as a corrupted secret.
        _keyId = SHA256.HashData([.. "bulwark factor key id"u8, .. key])[..KeyIdSize];
    }

    /// <summary>Encrypts <paramref name="plaintext"/> for one user and purpose.</summary>
    public byte[] Protect(ReadOnlySpan<byte> plaintext, string purpose, long userId)
    {
        var output = new byte[HeaderSize + plaintext.Length];
        output[0] = Version;
        _keyId.CopyTo(output.AsSpan(1));
        var nonce = output.AsSpan(1 + KeyIdSize, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        var tag = output.AsSpan(1 + KeyIdSize + NonceSize, TagSize);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(HeaderSize), tag, AssociatedData(purpose, userId));
        return output;
    }

    /// <summary>Decrypts what <see cref="Protect"/> wrote; throws <see cref="CryptographicException"/> if the
    /// data was altered, belongs to another user or purpose, or was written under another key.</summary>
    public byte[] Unprotect(ReadOnlySpan<byte> protectedData, string purpose, long userId)
    {
        if (protectedData.Length < HeaderSize || protectedData[0] != Version)
        {
            throw new CryptographicException("Unrecognised protected secret format.");
        }
        if (!protectedData.Slice(1, KeyIdSize).SequenceEqual(_keyId))
        {
            throw new CryptographicException("The secret was protected with a different key than the one configured.");
        }
        var plaintext = new byte[protectedData.Length - HeaderSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(
            protectedData.Slice(1 + KeyIdSize, NonceSize),
            protectedData[HeaderSize..],
            protectedData.Slice(1 + KeyIdSize + NonceSize, TagSize),
            plaintext,
            AssociatedData(purpose, userId));
        return plaintext;
    }

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
    public static FactorSecretProtector LoadOrCreate(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (!File.Exists(path))
        {
            var key = RandomNumberGenerator.GetBytes(KeySize);
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using var stream = new FileStream(path, options);
                using var writer = new StreamWriter(stream, new UTF8Encoding(false));
                writer.Write(Convert.ToBase64String(key) + "\n");
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first; use theirs.
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
        return FromBase64(File.ReadAllText(path).Trim(), path);
    }

    /// <summary>A key given in configuration (base64 of 32 bytes), for deployments that keep secrets outside the data directory.</summary>
    public static FactorSecretProtector FromBase64(string base64, string source)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The factor secret key in {source} is not base64.");
        }
        if (key.Length != KeySize) throw new InvalidOperationException($"The factor secret key in {source} must be {KeySize} bytes (base64 of 32 random bytes).");
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
