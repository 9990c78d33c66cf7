using System.Diagnostics;
using System.Text.Json;
using Bulwark.Bench.SignInFlood;

// bench/run signin-flood drives this tool against a running server (see bench/README.md):
//   1. sets up, through the web pages, a passkey user and a password user whose browser is known;
//   2. measures a project page at a steady rate with the index idle;
//   3. floods the sign-in page with bad passwords at a fixed rate while measuring the same page, and while
//      the passkey user, the known-browser user and a new browser with the right password sign in;
//   4. writes the figures as JSON.
var options = Args.Parse(args);
var baseUrl = new Uri(options["url"]);
var accounts = new Accounts(baseUrl, options["origin"], options["rp-id"], options["password"]);
var page = options["page"];
var probeRate = double.Parse(options.GetValueOrDefault("probe-rate", "20"), System.Globalization.CultureInfo.InvariantCulture);
var idle = TimeSpan.FromSeconds(int.Parse(options.GetValueOrDefault("idle-seconds", "30"), System.Globalization.CultureInfo.InvariantCulture));
var floodFor = TimeSpan.FromSeconds(int.Parse(options.GetValueOrDefault("flood-seconds", "60"), System.Globalization.CultureInfo.InvariantCulture));
var rate = int.Parse(options.GetValueOrDefault("rate", "1000"), System.Globalization.CultureInfo.InvariantCulture);
var networks = int.Parse(options.GetValueOrDefault("networks", "100"), System.Globalization.CultureInfo.InvariantCulture);
var (passkeyUser, knownUser, strangerUser) = (options["passkey-user"], options["known-user"], options["stranger-user"]);

Log("setting up the passkey user and the known browser");
var key = await accounts.SetUpPasskeyAsync(passkeyUser, "192.0.2.10");
using var knownBrowser = accounts.NewBrowser("192.0.2.20");
var totpSecret = await accounts.SetUpKnownBrowserAsync(knownUser, knownBrowser);
var calm = new List<SignInRecord>
{
    await accounts.PasskeySignInAsync(key, passkeyUser, "192.0.2.11", 0),
    await accounts.KnownBrowserSignInAsync(knownBrowser, knownUser, totpSecret, 0),
    await accounts.StrangerSignInAsync(strangerUser, "192.0.2.30", 0),
};

// Warm-up, not recorded: the flood's code path compiled and tiered up, then quiet until the server no longer
// counts it as a flood (20 s without requests turned away).
Log("warm-up: a short flood, then quiet");
await Flood.RunAsync(baseUrl, rate / 4, TimeSpan.FromSeconds(10), knownUser, networks);
await PageProbe.RunAsync(baseUrl, page, probeRate, TimeSpan.FromSeconds(25));

Log($"page {page} at {probeRate}/s for {idle.TotalSeconds:0} s, idle");
var idleLatency = await PageProbe.RunAsync(baseUrl, page, probeRate, idle);
Log($"idle: p50 {idleLatency.P50:0.0} ms, p99 {idleLatency.P99:0.0} ms");

Log($"flood: {rate} bad sign-ins/s for {floodFor.TotalSeconds:0} s from {networks} addresses, half at {knownUser}");
var floodStarted = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
var started = Stopwatch.StartNew();
var flood = Flood.RunAsync(baseUrl, rate, floodFor, knownUser, networks);
var probe = PageProbe.RunAsync(baseUrl, page, probeRate, floodFor);
var during = new List<SignInRecord>();
async Task At(double second, Func<double, Task<SignInRecord>> signIn)
{
    var wait = TimeSpan.FromSeconds(second) - started.Elapsed;
    if (wait > TimeSpan.Zero) await Task.Delay(wait);
    var record = await signIn(started.Elapsed.TotalSeconds);
    lock (during) during.Add(record);
    Log($"  t={record.AtSeconds:0.0}s {record.Who}: {(record.SignedIn ? "signed in" : "FAILED")} in {record.Ms:0} ms ({record.Detail})");
}
var schedule = new List<Task>();
for (var s = 5; s < floodFor.TotalSeconds; s += 10)
{
    var n = s;
    schedule.Add(At(n, at => accounts.PasskeySignInAsync(key, passkeyUser, $"192.0.2.{40 + n}", at)));
}
schedule.Add(At(12, at => accounts.KnownBrowserSignInAsync(knownBrowser, knownUser, totpSecret, at)));
schedule.Add(At(Math.Max(13, floodFor.TotalSeconds - 15), at => accounts.KnownBrowserSignInAsync(knownBrowser, knownUser, totpSecret, at)));
schedule.Add(At(20, at => accounts.StrangerSignInAsync(strangerUser, "192.0.2.31", at)));
schedule.Add(At(Math.Max(21, floodFor.TotalSeconds - 10), at => accounts.StrangerSignInAsync(strangerUser, "192.0.2.32", at)));
var floodResult = await flood;
var floodEnded = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
var floodLatency = await probe;
await Task.WhenAll(schedule);
Log($"flood: p50 {floodLatency.P50:0.0} ms, p99 {floodLatency.P99:0.0} ms (idle p99 {idleLatency.P99:0.0} ms)");

var result = new
{
    page,
    probeRate,
    idle = idleLatency,
    flood = floodLatency,
    p99Ratio = idleLatency.P99 > 0 ? floodLatency.P99 / idleLatency.P99 : 0,
    attack = floodResult,
    floodStarted,
    floodEnded,
    calm,
    during = during.OrderBy(r => r.AtSeconds).ToList(),
};
await File.WriteAllTextAsync(options["out"], JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
return during.All(r => r.SignedIn) && calm.All(r => r.SignedIn) ? 0 : 1;

static void Log(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

internal static class Args
{
    public static Dictionary<string, string> Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"expected --name value, got {args[i]}");
            options[args[i][2..]] = args[i + 1];
        }
        return options;
    }
}
