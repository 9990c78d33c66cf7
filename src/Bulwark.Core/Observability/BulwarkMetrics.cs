using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Bulwark.Core.Observability;

/// <summary>
/// Bulwark's own measurements on one <see cref="Meter"/> named <c>Bulwark</c> (System.Diagnostics.Metrics, so the
/// core depends on no exporter). The web host exports them for Prometheus when <c>Bulwark:Metrics:Enabled</c>
/// is on; otherwise nobody listens and each call below costs a check of an empty listener list.
/// Tag values are small fixed sets (never names, filenames or messages), so the number of series stays bounded.
/// </summary>
public static class BulwarkMetrics
{
    public const string MeterName = "Bulwark";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> PageCacheHits = Meter.CreateCounter<long>("bulwark.page_cache.hits", "{page}",
        "Simple and JSON API pages served from the page cache.");
    private static readonly Counter<long> PageCacheMisses = Meter.CreateCounter<long>("bulwark.page_cache.misses", "{page}",
        "Pages that had to be rendered (or waited for a render already under way).");
    private static readonly Counter<long> Uploads = Meter.CreateCounter<long>("bulwark.uploads", "{file}",
        "Accepted uploads; outcome=stored or already_stored (an identical file was there).");
    private static readonly Counter<long> UploadBytes = Meter.CreateCounter<long>("bulwark.upload.bytes", "By",
        "Bytes of newly stored distribution files.");
    private static readonly Counter<long> UploadRefusals = Meter.CreateCounter<long>("bulwark.upload.refusals", "{upload}",
        "Refused uploads by reason and HTTP status.");
    private static readonly Counter<long> SignIns = Meter.CreateCounter<long>("bulwark.sign_ins", "{attempt}",
        "Web sign-in attempts by method (password, passkey) and outcome.");
    private static readonly Counter<long> SecondFactors = Meter.CreateCounter<long>("bulwark.two_factor.verifications", "{attempt}",
        "Second sign-in steps by method (webauthn, totp, recovery_code) and outcome.");
    private static readonly Gauge<long> CriticalProjects = Meter.CreateGauge<long>("bulwark.critical_projects", "{project}",
        "Projects marked critical, as of the last recompute in this process.");
    private static readonly Histogram<double> JobDurations = Meter.CreateHistogram<double>("bulwark.job.duration", "s",
        "How long each run of a background job took, by job.");

    public static void PageCacheHit() => PageCacheHits.Add(1);

    public static void PageCacheMiss() => PageCacheMisses.Add(1);

    public static void UploadAccepted(bool alreadyStored, long bytes)
    {
        Uploads.Add(1, new KeyValuePair<string, object?>("outcome", alreadyStored ? "already_stored" : "stored"));
        if (!alreadyStored) UploadBytes.Add(bytes);
    }

    public static void UploadRefused(string reason, int status) =>
        UploadRefusals.Add(1, new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("status", status));

    /// <param name="method"><c>password</c> or <c>passkey</c>.</param>
    /// <param name="outcome">The sign-in's outcome, e.g. <c>SignedIn</c>, <c>Failed</c>, <c>Throttled</c>.</param>
    public static void SignIn(string method, string outcome) =>
        SignIns.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("outcome", Snake(outcome)));

    /// <param name="method"><c>webauthn</c>, <c>totp</c> or <c>recovery_code</c>.</param>
    /// <param name="outcome"><c>success</c>, or the refusal's status (e.g. <c>WrongCredentials</c>, <c>Throttled</c>).</param>
    public static void SecondFactor(string method, string outcome) =>
        SecondFactors.Add(1, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("outcome", Snake(outcome)));

    public static void CriticalProjectCount(long count) => CriticalProjects.Record(count);

    /// <summary>Times a job run until disposed: <c>using var _ = BulwarkMetrics.TimeJob("download_flush");</c></summary>
    public static JobTimer TimeJob(string job) => new(job, Stopwatch.GetTimestamp());

    /// <summary>A running job's clock; records its duration when disposed.</summary>
    public readonly struct JobTimer(string job, long started) : IDisposable
    {
        public void Dispose() => JobDurations.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("job", job));
    }

    /// <summary><c>WrongCredentials</c> → <c>wrong_credentials</c>: enum names as Prometheus-style label values.</summary>
    internal static string Snake(string value)
    {
        var chars = new System.Text.StringBuilder(value.Length + 4);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsUpper(c) && i > 0 && value[i - 1] != '_') chars.Append('_');
            chars.Append(char.ToLowerInvariant(c));
        }
        return chars.ToString();
    }
}
