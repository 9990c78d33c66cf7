using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Bulwark.Core.Secrets;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Bulwark.Hosting;

/// <summary>
/// The key-encryption key of the ASP.NET Core data-protection key ring (the keys behind antiforgery tokens and
/// the flash-message cookie): each key's secret is stored sealed under it, never in clear.
/// </summary>
/// <remarks>
/// A key of its own, not the factor-secret key: operators delete the key ring to invalidate every form and
/// cookie, and that must never touch the key that decrypts users' authenticator seeds (and the reverse).
/// </remarks>
public sealed class KeyRingEncryptionKey
{
    // Bound into every sealed key: a sealed factor secret or anything else sealed under this key material
    // cannot be passed off as a key-ring secret.
    private static readonly byte[] Purpose = "bulwark data-protection key ring v1"u8.ToArray();

    private readonly SealedBox _box;

    public KeyRingEncryptionKey(ReadOnlySpan<byte> key) => _box = new SealedBox(key, "bulwark key ring kek id"u8);

    /// <summary>Fingerprint of the key, written next to each sealed secret so a wrong key is named as such.</summary>
    public string Id => _box.KeyId;

    public byte[] Seal(ReadOnlySpan<byte> plaintext) => _box.Seal(plaintext, Purpose);

    public byte[] Open(ReadOnlySpan<byte> sealedData) => _box.Open(sealedData, Purpose);

    /// <summary>The configured key (base64) if any, else <paramref name="path"/>, created on first start (0600).</summary>
    public static KeyRingEncryptionKey Load(string? configured, string configurationKey, string path)
    {
        const string what = "data-protection key-encryption key";
        var key = string.IsNullOrWhiteSpace(configured)
            ? ServerKeyFile.LoadOrCreate(path, what)
            : ServerKeyFile.FromBase64(configured, configurationKey, what);
        try
        {
            return new KeyRingEncryptionKey(key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}

/// <summary>Seals a key-ring secret (the <c>&lt;masterKey&gt;</c> element) under <see cref="KeyRingEncryptionKey"/>.</summary>
public sealed class KeyRingXmlEncryptor(KeyRingEncryptionKey key) : IXmlEncryptor
{
    internal const string Element = "bulwarkSealed";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        try
        {
            var sealedSecret = new XElement(Element,
                new XComment(" AES-256-GCM under keys/data-protection.key (or Bulwark:DataProtection:KeyEncryptionKey). "),
                new XAttribute("kek", key.Id),
                Convert.ToBase64String(key.Seal(plaintext)));
            return new EncryptedXmlInfo(sealedSecret, typeof(KeyRingXmlDecryptor));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}

/// <summary>
/// Opens what <see cref="KeyRingXmlEncryptor"/> sealed. Data protection creates it by type name with the service
/// provider, which holds the key.
/// </summary>
public sealed class KeyRingXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var key = services.GetRequiredService<KeyRingEncryptionKey>();
        if (encryptedElement.Name != KeyRingXmlEncryptor.Element)
        {
            throw new CryptographicException($"Expected a <{KeyRingXmlEncryptor.Element}> element in the key ring, found <{encryptedElement.Name}>.");
        }
        var kek = (string?)encryptedElement.Attribute("kek");
        if (kek != key.Id)
        {
            // Said plainly: the usual cause is a key ring copied without its key file, or a changed configured key.
            throw new CryptographicException(
                $"This data-protection key was sealed under key-encryption key {kek}, but the configured one is {key.Id}; " +
                "restore keys/data-protection.key from the same backup as the key ring.");
        }
        var plaintext = key.Open(Convert.FromBase64String(encryptedElement.Value.Trim()));
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
