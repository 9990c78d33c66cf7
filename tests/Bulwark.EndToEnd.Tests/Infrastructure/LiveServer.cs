using System.Net;
using System.Net.Sockets;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Audit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Bulwark on a real loopback socket (Kestrel through <see cref="WebApplicationFactory{TEntryPoint}"/>),
/// on SQLite in a temporary data directory that the admin verbs of the real binary can share.
/// </summary>
public sealed class LiveServer : WebApplicationFactory<Program>
{
    private readonly int _port;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly string _host;
    private readonly Action<IServiceCollection>? _services;

    private LiveServer(string dataDirectory, int port, IReadOnlyDictionary<string, string> settings, string host, Action<IServiceCollection>? services)
    {
        _services = services;
        DataDirectory = dataDirectory;
        _port = port;
        _settings = settings;
        _host = host;
        UseKestrel(options => options.Listen(IPAddress.Loopback, port));
    }

    public string DataDirectory { get; }
    public Uri BaseUri => new($"http://{_host}:{_port}/");
    public string IndexUrl => new Uri(BaseUri, "simple/").ToString();
    public string UploadUrl => new Uri(BaseUri, "legacy/").ToString();
    public RequestLog Requests { get; } = new();
    public ServerLogCapture Logs { get; } = new();

    /// <summary>
    /// Picks a free port and starts; a port grabbed by someone else in between means another try.
    /// <paramref name="settings"/> are configuration keys such as <c>Bulwark:Uploads:MaxFileSize</c>.
    /// </summary>
    /// <param name="host">The name in the public URL: "localhost" for WebAuthn, whose relying-party id must be a
    /// domain name, not an IP address. The socket is on 127.0.0.1 either way.</param>
    /// <param name="services">Extra services for the host (credentials of a local object store).</param>
    public static async Task<LiveServer> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? settings = null, string host = "127.0.0.1",
        Action<IServiceCollection>? services = null)
    {
        Exception? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var server = new LiveServer(dataDirectory, FreePort(), settings ?? new Dictionary<string, string>(), host, services);
            try
            {
                server.StartServer();
                using var http = server.CreateHttpClient();
                var health = await http.GetAsync("_health");
                if (health.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"GET /_health answered {(int)health.StatusCode}");
                }
                return server;
            }
            catch (Exception e)
            {
                await server.DisposeAsync();
                if (e is not IOException) throw; // IOException: Kestrel's "address already in use"
                last = e;
            }
        }
        throw new InvalidOperationException("Bulwark did not start on a loopback port.", last);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Bulwark:DataDirectory", DataDirectory);
        builder.UseSetting("Bulwark:Database", "Sqlite");
        builder.UseSetting("Bulwark:PublicUrl", $"http://{_host}:{_port}");
        builder.UseSetting("urls", $"http://127.0.0.1:{_port}");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new RequestLogStartupFilter(Requests)));
        if (_services is not null) builder.ConfigureServices(_services);
        // The server's own log goes into failure messages (warnings and errors), not onto the test console.
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Logs));
    }

    /// <summary>A plain HTTP client over the real socket (not the in-memory test server).</summary>
    public HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Creates an automation user (or reuses it) and mints a token in-process.</summary>
    public async Task<string> CreateTokenAsync(string username, params string[] projects)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserService>();
        var actor = new Actor("e2e", "bulwark end-to-end tests");
        var user = await users.FindByUsernameAsync(username);
        if (user is null)
        {
            var created = await users.CreateAsync(username, $"{username}@example.com", null, false, true, actor);
            user = created.Succeeded ? created.Value : throw new InvalidOperationException($"Could not create user {username}: {created.Refusal.Message}");
        }
        var token = await scope.ServiceProvider.GetRequiredService<ApiTokenService>().CreateAsync(user, "e2e", projects, null, actor);
        return token.Token;
    }

    /// <summary>Request log and server errors, for assertion messages.</summary>
    public string Diagnostics(int requestsSince = 0) => Requests.Describe(requestsSince) + "\n" + Logs.Describe();
}
