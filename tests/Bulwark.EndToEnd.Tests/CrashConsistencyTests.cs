using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Bulwark.Cli;
using Bulwark.EndToEnd.Tests.Infrastructure;
using Bulwark.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Bulwark.EndToEnd.Tests;

/// <summary>
/// The published server killed with SIGKILL in the middle of concurrent uploads, twenty times per database. After
/// each restart <c>fsck</c> finds nothing, and every upload that was answered 200 is listed on its simple page and
/// downloads with the sha256 it was uploaded with.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class CrashConsistencyTests(EndToEndFixture e2e, ITestOutputHelper output)
{
    private const int Rounds = 20;
    private const int Uploaders = 6;

    private sealed record Acknowledged(string Project, string Filename, string Sha256);

    /// <summary>Both databases at once: most of a round is the server's start, which leaves the other core idle.</summary>
    [Fact]
    public Task Acknowledged_uploads_survive_sigkill_and_fsck_finds_nothing() =>
        Task.WhenAll(KillRepeatedlyAsync("Sqlite"), KillRepeatedlyAsync("Postgres"));

    private async Task KillRepeatedlyAsync(string database)
    {
        var publish = await e2e.PublishOnceAsync();
        var postgres = database == "Postgres" ? await TestDatabases.CreatePostgresDatabaseAsync() : null;
        try
        {
            var data = e2e.NewDirectory($"crash-{database}-data");
            var settings = new Dictionary<string, string?> { ["Bulwark:DataDirectory"] = data, ["Bulwark:Database"] = database };
            if (postgres is not null) settings["ConnectionStrings:Bulwark"] = postgres;
            var variables = settings.ToDictionary(kv => kv.Key.Replace(":", "__"), kv => kv.Value!);
            var (work, home) = (e2e.NewDirectory($"crash-{database}"), e2e.NewDirectory($"crash-{database}-home"));

            Assert.Equal(0, (await CliAsync(settings, "user", "add", "crasher", "--email", "crasher@example.com")).Exit);
            var token = await CliAsync(settings, "token", "create", "crasher", "--expires", "1d");
            Assert.Equal(0, token.Exit);

            var acknowledged = new ConcurrentQueue<Acknowledged>();
            var verified = 0;
            var random = new Random(20261204);
            var clock = Stopwatch.StartNew();
            for (var round = 1; round <= Rounds + 1; round++)
            {
                var phase = Stopwatch.StartNew();
                var server = await BulwarkProcess.StartAsync(publish, work, home, variables);
                var started = phase.Elapsed;
                using var http = server.CreateHttpClient();
                var fsck = await CliAsync(settings, "fsck");
                output.WriteLine($"{database} round {round}: started in {started.TotalSeconds:F1} s, fsck {(phase.Elapsed - started).TotalSeconds:F1} s, {acknowledged.Count} acknowledged so far");
                Assert.True(fsck.Exit == 0, $"round {round}: fsck after the restart:\n{fsck.Out}{fsck.Err}");
                var all = acknowledged.ToArray();
                // Each round checks the uploads acknowledged since the last check; the final round checks them all again.
                foreach (var upload in round > Rounds ? all : all[verified..]) await VerifyAsync(http, upload, round);
                verified = all.Length;
                if (round > Rounds)
                {
                    await server.DisposeAsync();
                    break;
                }

                using var stop = new CancellationTokenSource();
                var uploaders = Enumerable.Range(0, Uploaders)
                    .Select(i => UploadUntilKilledAsync(http, token.Out.Trim(), "crash" + Guid.NewGuid().ToString("N")[..16], acknowledged, stop.Token))
                    .ToList();
                // Killed a random moment after the first acknowledgement of the round, so that every round both
                // acknowledges uploads and cuts others short (a cold server takes a while to answer its first).
                var before = acknowledged.Count;
                var waiting = Stopwatch.StartNew();
                while (acknowledged.Count == before && waiting.Elapsed < TimeSpan.FromSeconds(20)) await Task.Delay(20);
                await Task.Delay(random.Next(50, 400));
                // BulwarkProcess kills with SIGKILL: no shutdown hooks, no flushing, as a power cut or the OOM killer would.
                await server.DisposeAsync();
                await stop.CancelAsync();
                await Task.WhenAll(uploaders);
            }
            output.WriteLine($"{database}: {Rounds} kills, {acknowledged.Count} acknowledged uploads verified, {clock.Elapsed.TotalSeconds:F0} s.");
            Assert.True(acknowledged.Count >= Rounds, $"only {acknowledged.Count} uploads were acknowledged in {Rounds} rounds");
        }
        finally
        {
            if (postgres is not null) await TestDatabases.DropPostgresDatabaseAsync(postgres);
        }
    }

    /// <summary>
    /// Uploads new releases of one new project one after another until the connection dies with the server. The
    /// names are random: names alike would be held as typosquats of each other.
    /// </summary>
    private static async Task UploadUntilKilledAsync(HttpClient http, string token, string project, ConcurrentQueue<Acknowledged> acknowledged, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var spec = new TestDistributions.Spec(project, $"1.{n}");
            var form = UploadForm.For(spec);
            using var request = new HttpRequestMessage(HttpMethod.Post, "legacy/") { Content = form.ToContent() };
            request.Headers.Authorization = UploadForm.TokenAuth(token);
            try
            {
                using var response = await http.SendAsync(request, stop);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    // Anything but 200 before the kill is a failure of its own (a 5xx, a refusal of a valid file).
                    Assert.Fail($"upload of {form.Filename} answered {(int)response.StatusCode} {response.ReasonPhrase}");
                }
                acknowledged.Enqueue(new Acknowledged(project, form.Filename, Convert.ToHexStringLower(SHA256.HashData(form.Content))));
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                return; // the server died mid-request: this upload was never acknowledged
            }
        }
    }

    private static async Task VerifyAsync(HttpClient http, Acknowledged upload, int round)
    {
        var pageUri = new Uri(http.BaseAddress!, $"simple/{upload.Project}/");
        var page = await http.GetStringAsync(pageUri);
        var link = FileLink().Matches(page).FirstOrDefault(m => m.Groups["href"].Value.EndsWith("/" + upload.Filename, StringComparison.Ordinal));
        Assert.True(link is not null, $"round {round}: {upload.Filename} was acknowledged but is not on {pageUri}:\n{page}");
        Assert.Equal(upload.Sha256, link.Groups["sha"].Value);
        var bytes = await http.GetByteArrayAsync(new Uri(pageUri, WebUtility.HtmlDecode(link.Groups["href"].Value)));
        Assert.True(upload.Sha256 == Convert.ToHexStringLower(SHA256.HashData(bytes)), $"round {round}: {upload.Filename} downloads with other bytes");
    }

    private static async Task<(int Exit, string Out, string Err)> CliAsync(Dictionary<string, string?> settings, params string[] args)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var exit = await CommandLine.RunAsync(args, stdout, stderr, settings: settings);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [GeneratedRegex("<a href=\"(?<href>[^\"#]+)#sha256=(?<sha>[0-9a-f]{64})\"")]
    private static partial Regex FileLink();
}
