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
    private string? _value;

    public string Value => _value ??= Resolve();

    public Uri Uri => new(Value);

    private string Resolve()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.PublicUrl))
        {
            return options.Value.PublicUrl.TrimEnd('/');
        }
        var first = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? BulwarkApp.DefaultUrl;
        var uri = new UriBuilder(first.Replace("://+", "://localhost").Replace("://*", "://localhost")) { Host = "localhost" };
        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }
}
