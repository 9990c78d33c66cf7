using System.Security.Cryptography;

namespace Bulwark.Core.Secrets;

/// <summary>
/// AES-256-GCM under one server key, in a versioned format that names the key it was sealed with.
/// </summary>
/// <remarks>
/// <para>Format: version (1 byte) | key id (4) | nonce (12) | tag (16) | ciphertext. The nonce is random per
/// message: 96 random bits stay far from a collision at the number of messages one key ever seals here (a few
/// per user, a few per key rotation).</para>
/// <para>The key id is a short fingerprint of the key under a label of the caller's, so a wrong key is reported
/// as such instead of as corrupted data, and two uses of one key material get unrelated ids.</para>
/// <para>Associated data binds a ciphertext to its context (user, purpose): someone who can write where it is
/// stored cannot move it elsewhere.</para>
/// </remarks>
public sealed class SealedBox
{
    public const int KeySize = 32;
    private const byte Version = 1;
    private const int KeyIdSize = 4;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + KeyIdSize + NonceSize + TagSize;

    private readonly byte[] _key;
    private readonly byte[] _keyId;

    /// <param name="key">32 bytes.</param>
    /// <param name="keyIdLabel">Fixed per use of the key; part of the key id's derivation.</param>
    public SealedBox(ReadOnlySpan<byte> key, ReadOnlySpan<byte> keyIdLabel)
    {
        if (key.Length != KeySize) throw new ArgumentException($"The key must be {KeySize} bytes.", nameof(key));
        _key = key.ToArray();
        _keyId = SHA256.HashData([.. keyIdLabel, .. key])[..KeyIdSize];
    }

    /// <summary>The key's fingerprint as written in every sealed message (hex), for messages that name it.</summary>
    public string KeyId => Convert.ToHexStringLower(_keyId);

    /// <summary>Encrypts <paramref name="plaintext"/> bound to <paramref name="associatedData"/>.</summary>
    public byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var output = new byte[HeaderSize + plaintext.Length];
        output[0] = Version;
        _keyId.CopyTo(output.AsSpan(1));
        var nonce = output.AsSpan(1 + KeyIdSize, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        var tag = output.AsSpan(1 + KeyIdSize + NonceSize, TagSize);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(HeaderSize), tag, associatedData);
        return output;
    }

    /// <summary>Decrypts what <see cref="Seal"/> wrote; throws <see cref="CryptographicException"/> if the data was
    /// altered, belongs to other associated data, or was sealed under another key.</summary>
    public byte[] Open(ReadOnlySpan<byte> sealedData, ReadOnlySpan<byte> associatedData)
    {
        if (sealedData.Length < HeaderSize || sealedData[0] != Version)
        {
            throw new CryptographicException("Unrecognised protected secret format.");
        }
        if (!sealedData.Slice(1, KeyIdSize).SequenceEqual(_keyId))
        {
            throw new CryptographicException("The secret was protected with a different key than the one configured.");
        }
        var plaintext = new byte[sealedData.Length - HeaderSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(
            sealedData.Slice(1 + KeyIdSize, NonceSize),
            sealedData[HeaderSize..],
            sealedData.Slice(1 + KeyIdSize + NonceSize, TagSize),
            plaintext,
            associatedData);
        return plaintext;
    }
}
