using System.Security.Cryptography;
using Bulwark.Core.Accounts.TwoFactor;

namespace Bulwark.Core.Tests.Accounts.SecondFactors;

public sealed class FactorSecretProtectorTests
{
    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(20);

    [Fact]
    public void Round_trips_and_uses_a_fresh_nonce_each_time()
    {
        var protector = new FactorSecretProtector(RandomNumberGenerator.GetBytes(32));
        var a = protector.Protect(Secret, "p", 7);
        var b = protector.Protect(Secret, "p", 7);
        Assert.NotEqual(a, b);
        Assert.Equal(Secret, protector.Unprotect(a, "p", 7));
        Assert.Equal(Secret, protector.Unprotect(b, "p", 7));
    }

    [Fact]
    public void Refuses_tampering_another_user_another_purpose_and_another_key()
    {
        var protector = new FactorSecretProtector(RandomNumberGenerator.GetBytes(32));
        var data = protector.Protect(Secret, "p", 7);
        var tampered = (byte[])data.Clone();
        tampered[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(tampered, "p", 7));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(data, "p", 8));
        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(data, "q", 7));
        var other = new FactorSecretProtector(RandomNumberGenerator.GetBytes(32));
        var e = Assert.ThrowsAny<CryptographicException>(() => other.Unprotect(data, "p", 7));
        Assert.Contains("different key", e.Message);
    }

    [Fact]
    public void The_key_file_is_created_once_owner_only_and_reused()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bulwark-key-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(dir, "keys", "factor-secrets.key");
            var data = FactorSecretProtector.LoadOrCreate(path).Protect(Secret, "p", 1);
            Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(path).Trim()).Length);
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(Secret, FactorSecretProtector.LoadOrCreate(path).Unprotect(data, "p", 1));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void A_bad_configured_key_is_refused_with_its_source(string value)
    {
        var e = Assert.Throws<InvalidOperationException>(() => FactorSecretProtector.FromBase64(value, "Bulwark:TwoFactor:SecretKey"));
        Assert.Contains("Bulwark:TwoFactor:SecretKey", e.Message);
    }
}
