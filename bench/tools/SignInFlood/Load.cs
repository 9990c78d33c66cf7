using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Bulwark.Bench.SignInFlood;

/// <summary>Latency figures in milliseconds.</summary>
public sealed record Latency(int Count, int Errors, double P50, double P90, double P99, double Max)
{
    public static Latency Of(IReadOnlyCollection<double> ms, int errors)
    {
        if (ms.Count == 0) return new Latency(0, errors, 0, 0, 0, 0);
        var sorted = ms.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Latency(sorted.Length, errors, At(0.50), At(0.90), At(0.99), sorted[^1]);
    }
}

/// <summary>
/// Fetches one page at a steady rate (open loop: a slow answer does not delay the next request, as with real
/// visitors) and records each answer's time.
/// </summary>
public static class PageProbe
{
    public static async Task<Latency> RunAsync(Uri baseUrl, string path, double perSecond, TimeSpan duration)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Forwarded-For", "192.0.2.200");
        var times = new ConcurrentQueue<double>();
        var errors = 0;
        var running = new List<Task>();
        var clock = Stopwatch.StartNew();
        var total = (int)(perSecond * duration.TotalSeconds);
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / perSecond) - clock.Elapsed;
            if (due > TimeSpan.Zero) await Task.Delay(due);
            running.Add(Task.Run(async () =>
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.GetAsync(path);
                    await response.Content.ReadAsByteArrayAsync();
                    if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref errors);
                    else times.Enqueue(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                }
            }));
        }
        await Task.WhenAll(running);
        return Latency.Of(times, errors);
    }
}

/// <summary>What the flood's requests were answered with.</summary>
public sealed record FloodResult(
    int Planned, int Sent, int NotSentBacklog, double Seconds, IReadOnlyDictionary<string, int> Answers,
    Latency AnswerTime, IReadOnlyList<int> PasswordChecksPerSecond);

/// <summary>
/// Bad sign-ins at a fixed rate (open loop) from many client addresses (X-Forwarded-For), half of them at one
/// chosen account, half sprayed over made-up names; each attacking "browser" fetched the login page once for
/// its antiforgery and device cookies, as a script would.
/// </summary>
public static partial class Flood
{
    private const int Browsers = 50;
    private const int MaxOutstanding = 4000;

    public static async Task<FloodResult> RunAsync(Uri baseUrl, int rate, TimeSpan duration, string targetUser, int networks)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = 256,
        }) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        var identities = new List<(string Cookie, string Csrf)>();
        for (var i = 0; i < Browsers; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/account/login");
            request.Headers.Add("X-Forwarded-For", Address(i, networks));
            using var response = await http.SendAsync(request);
            var html = await response.Content.ReadAsStringAsync();
            var cookies = response.Headers.TryGetValues("Set-Cookie", out var set) ? set.Select(c => c.Split(';')[0]) : [];
            identities.Add((string.Join("; ", cookies), Accounts.Csrf(html)));
        }

        var planned = (int)(rate * duration.TotalSeconds);
        var answers = new ConcurrentDictionary<string, int>();
        var times = new ConcurrentQueue<double>();
        var checksPerSecond = new int[(int)Math.Ceiling(duration.TotalSeconds) + 60];
        var outstanding = 0;
        var sent = 0;
        var backlog = 0;
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        var next = 0;
        while (next < planned && await timer.WaitForNextTickAsync())
        {
            var due = Math.Min(planned, (int)(clock.Elapsed.TotalSeconds * rate));
            for (; next < due; next++)
            {
                if (Volatile.Read(ref outstanding) >= MaxOutstanding)
                {
                    backlog++;
                    continue;
                }
                Interlocked.Increment(ref outstanding);
                sent++;
                var n = next;
                _ = Task.Run(async () =>
                {
                    try
                    {
                        var (answer, ms) = await SendAsync(http, identities[n % Browsers], n, targetUser, networks);
                        answers.AddOrUpdate(answer, 1, (_, c) => c + 1);
                        times.Enqueue(ms);
                        if (answer.StartsWith("password checked", StringComparison.Ordinal)) Interlocked.Increment(ref checksPerSecond[(int)clock.Elapsed.TotalSeconds]);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref outstanding);
                    }
                });
            }
        }
        var seconds = clock.Elapsed.TotalSeconds;
        while (Volatile.Read(ref outstanding) > 0) await Task.Delay(20);
        return new FloodResult(planned, sent, backlog, seconds, answers.ToDictionary(), Latency.Of(times, answers.GetValueOrDefault("error")),
            checksPerSecond.Take((int)Math.Ceiling(seconds)).ToArray());
    }

    private static string Address(int n, int networks) => $"100.64.{n % networks / 250}.{n % networks % 250 + 1}";

    private static async Task<(string Answer, double Ms)> SendAsync(HttpClient http, (string Cookie, string Csrf) identity, int n, string targetUser, int networks)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/account/login")
            {
                Content = new FormUrlEncodedContent(
                [
                    new("__csrf", identity.Csrf), new("ReturnUrl", ""), new("ProofToken", ""), new("ProofNonce", ""),
                    new("Username", n % 2 == 0 ? targetUser : $"sprayed{n % 5000}"), new("Password", $"wrong guess {n}"),
                ]),
            };
            request.Headers.Add("Cookie", identity.Cookie);
            request.Headers.Add("X-Forwarded-For", Address(n, networks));
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            return (Classify(response.StatusCode, body), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return ("error", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static string Classify(HttpStatusCode status, string body) => (int)status switch
    {
        429 => "429 (this network refused)",
        503 => "503 (busy)",
        302 => "signed in (!)",
        200 when body.Contains("data-proof-token=", StringComparison.Ordinal) => "proof of work asked",
        200 when body.Contains("id=\"signin-link-sent\"", StringComparison.Ordinal) => "password checked (answer hidden)",
        200 when body.Contains("username or password is incorrect", StringComparison.Ordinal) => "password checked (wrong)",
        _ => $"other ({(int)status})",
    };
}
