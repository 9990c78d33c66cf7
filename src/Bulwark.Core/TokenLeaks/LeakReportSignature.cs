using System.Security.Cryptography;
using System.Text.Json;
using Bulwark.Core.TrustedPublishing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Core.TokenLeaks;

/// <summary>
/// Checks the signature of a leaked-token report as GitHub's secret scanning signs it: ECDSA on P-256 over SHA-256 of
/// the raw body, DER-encoded and base64'd in <c>GITHUB-PUBLIC-KEY-SIGNATURE</c>, with the key named by
/// <c>GITHUB-PUBLIC-KEY-IDENTIFIER</c>. Keys come from configuration first, then from the scanner's key list.
/// Without a valid signature a report changes nothing: anyone could otherwise revoke anyone's tokens by guessing
/// or by replaying tokens they merely saw.
/// </summary>
public sealed class LeakReportSignature
{
    private readonly Dictionary<string, ECDsa> _configured = new(StringComparer.Ordinal);
    private readonly CachedKeySet<ECDsa>? _listed;

    public LeakReportSignature(IOptions<LeakReportOptions> options, HttpClient http, TimeProvider time, ILogger<LeakReportSignature> log)
    {
        if (ConfigurationProblem(options.Value) is { } problem) throw new InvalidOperationException(problem);
        foreach (var reporter in options.Value.Reporters) _configured[reporter.KeyId] = ParseKey(reporter.PublicKeyPem)!;
        var url = options.Value.KeysUrl;
        if (!string.IsNullOrWhiteSpace(url) && OidcIssuers.IsAcceptableUrl(url, out var keysUrl))
        {
            _listed = new CachedKeySet<ECDsa>(ct => FetchAsync(http, keysUrl, ct), time, options.Value.KeyCacheLifetime, options.Value.KeyRefreshCooldown, log, $"the key list at {keysUrl}");
        }
    }

    /// <summary>What is wrong with the configuration, for the start-up check; null when nothing is.</summary>
    public static string? ConfigurationProblem(LeakReportOptions options)
    {
        foreach (var reporter in options.Reporters)
        {
            using var key = ParseKey(reporter.PublicKeyPem);
            if (string.IsNullOrWhiteSpace(reporter.KeyId) || key is null)
            {
                return $"Bulwark:Secrets:Reporters: the entry '{reporter.KeyId}' needs a KeyId and an ECDSA P-256 public key in PEM (-----BEGIN PUBLIC KEY-----).";
            }
        }
        if (!string.IsNullOrWhiteSpace(options.KeysUrl) && !OidcIssuers.IsAcceptableUrl(options.KeysUrl, out _))
        {
            return $"Bulwark:Secrets:KeysUrl '{options.KeysUrl}' is not an https URL (http is accepted only on loopback addresses).";
        }
        return options.MaxRecords is < 1 or > 100_000 ? "Bulwark:Secrets:MaxRecords must be between 1 and 100000." : null;
    }

    public async Task<bool> VerifyAsync(ReadOnlyMemory<byte> body, string? keyId, string? signature, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(keyId) || keyId.Length > 512 || string.IsNullOrEmpty(signature) || signature.Length > 1024) return false;
        byte[] der;
        try
        {
            der = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            return false;
        }
        var key = _configured.GetValueOrDefault(keyId) ?? (_listed is null ? null : await _listed.FindAsync(keyId, ct));
        if (key is null) return false;
        try
        {
            return key.VerifyData(body.Span, der, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static async Task<IReadOnlyDictionary<string, ECDsa>> FetchAsync(HttpClient http, Uri url, CancellationToken ct)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync(url, ct));
        var keys = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("public_keys", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("the key list has no public_keys array");
        }
        foreach (var entry in list.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object) continue;
            var id = entry.TryGetProperty("key_identifier", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
            var pem = entry.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            if (!string.IsNullOrEmpty(id) && ParseKey(pem) is { } key) keys.TryAdd(id, key);
        }
        return keys;
    }

    /// <summary>A P-256 public key from PEM; null for anything else (another curve, RSA, garbage).</summary>
    internal static ECDsa? ParseKey(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem)) return null;
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            var curve = key.ExportParameters(false).Curve.Oid;
            if (curve.Value == "1.2.840.10045.3.1.7" || curve.FriendlyName is "nistP256" or "ECDSA_P256") return key;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
        }
        key.Dispose();
        return null;
    }
}
