using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Bulwark.Hosting;

/// <summary>
/// The external base URL (no trailing slash). Configured by <c>Bulwark:PublicUrl</c>; otherwise the first
/// listen address with <c>localhost</c> as host, so links work from the same machine out of the box.
/// </summary>
public sealed class PublicUrl(IOptions<BulwarkOptions> options, IServer server)
{
    /// <summary>Where the server listens when no URL is configured: loopback only, so a first start exposes nothing.</summary>
    public const string DefaultListenUrl = "http://127.0.0.1:8080";

    private string? _value;

    public string Value => _value ??= Resolve();

    public Uri Uri => new(Value);

    private string Resolve()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.PublicUrl))
        {
            return options.Value.PublicUrl.TrimEnd('/');
        }
        return OnLocalhost(server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? DefaultListenUrl);
    }

    /// <summary>
    /// The public URL for a process that has no server (the admin verbs): the configured one, or the default listen
    /// address with host <c>localhost</c>, which is what the server itself would say without configuration.
    /// </summary>
    public static Uri WithoutServer(BulwarkOptions options) =>
        new(string.IsNullOrWhiteSpace(options.PublicUrl) ? OnLocalhost(DefaultListenUrl) : options.PublicUrl.TrimEnd('/'));

    private static string OnLocalhost(string listenUrl)
    {
        var uri = new UriBuilder(listenUrl.Replace("://+", "://localhost").Replace("://*", "://localhost")) { Host = "localhost" };
        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }
}
