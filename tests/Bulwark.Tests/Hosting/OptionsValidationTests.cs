using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests.Hosting;

/// <summary>
/// Every options class is checked at start: one bad value per class stops the server, and the error names the
/// configuration key an operator has to fix.
/// </summary>
public class OptionsValidationTests
{
    private sealed class ConfiguredServer(IEnumerable<KeyValuePair<string, string>> settings) : BulwarkServer(DatabaseKind.Sqlite)
    {
        protected override IEnumerable<KeyValuePair<string, string>> Settings => settings;
    }

    [Theory]
    [InlineData("BulwarkOptions", "Bulwark:PublicUrl=ftp://index.example", "Bulwark:PublicUrl")]
    [InlineData("BulwarkOptions", "Bulwark:KnownProxies:0=not-an-address", "Bulwark:KnownProxies")]
    [InlineData("UploadOptions", "Bulwark:Uploads:MaxFileSize=0", "Bulwark:Uploads:MaxFileSize")]
    [InlineData("IndexOptions", "Bulwark:Index:PageCacheMegabytes=0", "Bulwark:Index:PageCacheMegabytes")]
    [InlineData("DownloadCountOptions", "Bulwark:Downloads:FlushInterval=00:00:00", "Bulwark:Downloads:FlushInterval")]
    [InlineData("KeyRingOptions", "Bulwark:DataProtection:KeyEncryptionKey=c2hvcnQ=", "Bulwark:DataProtection:KeyEncryptionKey")]
    [InlineData("SessionOptions", "Bulwark:Accounts:Sessions:IdleTimeout=02:00:00", "Bulwark:Accounts:Sessions:IdleTimeout")]
    [InlineData("AccountLinkOptions", "Bulwark:Accounts:Links:ResetPasswordLifetime=1.00:00:00", "Bulwark:Accounts:Links:ResetPasswordLifetime")]
    [InlineData("ThrottleOptions", "Bulwark:Accounts:Throttling:AccountFailuresPer5Minutes=50", "Bulwark:Accounts:Throttling:AccountFailuresPer5Minutes")]
    [InlineData("EmailOptions", "Bulwark:Email:From=not an address", "Bulwark:Email:From")]
    [InlineData("SmtpOptions", "Bulwark:Email:Smtp:Port=0", "Bulwark:Email:Smtp:Port")]
    [InlineData("TwoFactorOptions", "Bulwark:TwoFactor:SecretKey=c2hvcnQ=", "Bulwark:TwoFactor:SecretKey")]
    [InlineData("WebAuthnOptions", "Bulwark:WebAuthn:ChallengeLifetime=01:00:00", "Bulwark:WebAuthn:ChallengeLifetime")]
    [InlineData("CriticalProjectOptions", "Bulwark:Policy:CriticalWindowDays=0", "Bulwark:Policy:CriticalWindowDays")]
    [InlineData("TwoFactorMandateOptions", "Bulwark:Policy:PhishingResistantForCritical=maybe", "Bulwark:Policy:PhishingResistantForCritical")]
    [InlineData("TrustedPublishingOptions", "Bulwark:TrustedPublishing:TokenLifetime=02:00:00", "Bulwark:TrustedPublishing:TokenLifetime")]
    [InlineData("IssuerOptions", "Bulwark:TrustedPublishing:Issuers:0:Url=http://issuer.example", "Bulwark:TrustedPublishing:Issuers")]
    [InlineData("LeakReportOptions", "Bulwark:Secrets:KeysUrl=http://keys.example", "Bulwark:Secrets")]
    [InlineData("S3StorageOptions", "Bulwark:Storage:Kind=S3", "Bulwark:Storage:S3:Bucket")]
    [InlineData("MetricsOptions", "Bulwark:Metrics:Enabled=maybe", "Bulwark:Metrics:Enabled")]
    [InlineData("ModerationOptions", "Bulwark:Moderation:ReportsPerHour=0", "Bulwark:Moderation:ReportsPerHour")]
    public async Task A_bad_value_stops_the_server_at_start_naming_its_key(string optionsClass, string setting, string key)
    {
        var (name, value) = (setting[..setting.IndexOf('=')], setting[(setting.IndexOf('=') + 1)..]);
        var server = new ConfiguredServer([new(name, value)]);
        var error = await Record.ExceptionAsync(() => ((IAsyncLifetime)server).InitializeAsync());
        Assert.True(error is not null, $"{optionsClass}: {setting} was accepted");
        Assert.Contains(key, error.ToString());
        try { await ((IAsyncLifetime)server).DisposeAsync(); } catch (Exception) { /* the host never started */ }
    }

    [Theory]
    [InlineData("ScanOptions", "scan missing.whl", "Bulwark:Scanning:MaxFileBytes=10", "Bulwark:Scanning:MaxFileBytes")]
    [InlineData("TyposquatOptions", "names check", "Bulwark:Names:ProtectedListLimit=-1", "Bulwark:Names:ProtectedListLimit")]
    [InlineData("EmailOptions", "user add cli-mail --email cli-mail@example.com", "Bulwark:Email:From=not an address", "Bulwark:Email:From")]
    [InlineData("BulwarkOptions", "user add cli-proxy --email cli-proxy@example.com", "Bulwark:KnownProxies:0=not-an-address", "Bulwark:KnownProxies")]
    public async Task A_bad_value_stops_an_admin_verb_naming_its_key(string optionsClass, string verb, string setting, string key)
    {
        var data = Directory.CreateTempSubdirectory("bulwark-options-").FullName;
        try
        {
            var (name, value) = (setting[..setting.IndexOf('=')], setting[(setting.IndexOf('=') + 1)..]);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var status = await Bulwark.Cli.CommandLine.RunAsync(verb.Split(' '), stdout, stderr, new StringReader(""),
                new Dictionary<string, string?> { ["Bulwark:DataDirectory"] = data, [name] = value });
            Assert.True(status == 1, $"{optionsClass}: '{verb}' with {setting} exited {status}: {stdout}{stderr}");
            Assert.Contains(key, stderr.ToString());
            Assert.False(File.Exists(Path.Combine(data, "bulwark.db")), "the database was touched before the settings were checked");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task The_defaults_start()
    {
        var server = new ConfiguredServer([]);
        await ((IAsyncLifetime)server).InitializeAsync();
        Assert.NotNull(server.Services);
        await ((IAsyncLifetime)server).DisposeAsync();
    }
}
