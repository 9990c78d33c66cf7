using System.Security.Cryptography;
using System.Xml.Linq;
using Bulwark.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Web;

/// <summary>The sealing of data-protection keys, without a server.</summary>
public sealed class KeyRingEncryptionTests
{
    private static readonly XElement Secret = XElement.Parse("<masterKey><value>c2VjcmV0IGtleSBtYXRlcmlhbA==</value></masterKey>");

    private static KeyRingXmlDecryptor DecryptorWith(KeyRingEncryptionKey key) =>
        new(new ServiceCollection().AddSingleton(key).BuildServiceProvider());

    [Fact]
    public void Seals_the_element_and_opens_it_again()
    {
        var key = new KeyRingEncryptionKey(RandomNumberGenerator.GetBytes(32));
        var sealedInfo = new KeyRingXmlEncryptor(key).Encrypt(Secret);

        var stored = sealedInfo.EncryptedElement.ToString();
        Assert.DoesNotContain("masterKey", stored);
        Assert.DoesNotContain("c2VjcmV0IGtleSBtYXRlcmlhbA==", stored);
        Assert.Equal(typeof(KeyRingXmlDecryptor), sealedInfo.DecryptorType);
        Assert.True(XNode.DeepEquals(Secret, DecryptorWith(key).Decrypt(sealedInfo.EncryptedElement)));
    }

    [Fact]
    public void Another_key_is_named_as_the_cause_and_tampering_is_refused()
    {
        var key = new KeyRingEncryptionKey(RandomNumberGenerator.GetBytes(32));
        var sealedElement = new KeyRingXmlEncryptor(key).Encrypt(Secret).EncryptedElement;

        var other = new KeyRingEncryptionKey(RandomNumberGenerator.GetBytes(32));
        var e = Assert.ThrowsAny<CryptographicException>(() => DecryptorWith(other).Decrypt(sealedElement));
        Assert.Contains("keys/data-protection.key", e.Message);

        var bytes = Convert.FromBase64String(sealedElement.Value.Trim());
        bytes[^1] ^= 1;
        var tampered = new XElement(sealedElement.Name, sealedElement.Attributes(), Convert.ToBase64String(bytes));
        Assert.ThrowsAny<CryptographicException>(() => DecryptorWith(key).Decrypt(tampered));
    }

    [Fact]
    public void A_configured_key_is_used_instead_of_a_file_and_a_bad_one_names_its_setting()
    {
        var path = Path.Combine(Path.GetTempPath(), "bulwark-tests", "kek-" + Guid.NewGuid().ToString("N"), "data-protection.key");
        var configured = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var key = KeyRingEncryptionKey.Load(configured, "Bulwark:DataProtection:KeyEncryptionKey", path);
        Assert.Equal(key.Id, KeyRingEncryptionKey.Load(configured, "Bulwark:DataProtection:KeyEncryptionKey", path).Id);
        Assert.False(File.Exists(path));

        var bad = Assert.Throws<InvalidOperationException>(() => KeyRingEncryptionKey.Load("AAAA", "Bulwark:DataProtection:KeyEncryptionKey", path));
        Assert.Contains("Bulwark:DataProtection:KeyEncryptionKey", bad.Message);
    }
}
