namespace Bulwark.Core.TokenLeaks;

/// <summary>The <c>Bulwark:Secrets</c> configuration section: who may report leaked tokens.</summary>
public sealed class LeakReportOptions
{
    public const string Section = "Bulwark:Secrets";

    /// <summary>GitHub's published secret-scanning keys.</summary>
    public const string GitHubKeysUrl = "https://api.github.com/meta/public_keys/secret_scanning";

    /// <summary>Public keys of secret scanners, configured by the operator (works offline).</summary>
    public List<ReporterKey> Reporters { get; set; } = [];

    /// <summary>
    /// Where a scanner's current keys are listed (GitHub's format: <c>{"public_keys": [{"key_identifier", "key"}]}</c>),
    /// read when a report names a key id not configured above. Empty turns it off (sites without access to GitHub).
    /// </summary>
    public string? KeysUrl { get; set; } = GitHubKeysUrl;

    /// <summary>How long keys read from <see cref="KeysUrl"/> are used before they are read again.</summary>
    public TimeSpan KeyCacheLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The shortest time between two reads of <see cref="KeysUrl"/>, however many unknown key ids arrive.</summary>
    public TimeSpan KeyRefreshCooldown { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most records one report may carry.</summary>
    public int MaxRecords { get; set; } = 1000;
}

/// <summary>One <c>Bulwark:Secrets:Reporters:N</c> entry.</summary>
public sealed class ReporterKey
{
    /// <summary>The value the scanner sends in <c>GITHUB-PUBLIC-KEY-IDENTIFIER</c>.</summary>
    public string KeyId { get; set; } = "";

    /// <summary>The ECDSA P-256 public key, PEM (<c>-----BEGIN PUBLIC KEY-----</c>).</summary>
    public string PublicKeyPem { get; set; } = "";
}
