using Bulwark.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Bulwark.Tests.Hosting;

/// <summary><c>Bulwark:Metrics</c> is read while the host is built; a bad value stops it there, naming the key.</summary>
public sealed class MetricsOptionsTests
{
    private static WebApplicationBuilder Builder(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        return builder;
    }

    [Fact]
    public void A_metrics_listener_that_is_not_a_url_stops_the_build_with_a_message_naming_the_key()
    {
        var builder = Builder(("Bulwark:Metrics:Enabled", "true"), ("Bulwark:Metrics:Urls", "127.0.0.1 9464"));
        var error = Assert.Throws<OptionsValidationException>(builder.AddBulwarkMetrics);
        Assert.Contains("Bulwark:Metrics:Urls: '127.0.0.1 9464' is not a listen URL", error.Message);
    }

    [Fact]
    public void A_good_listener_is_accepted()
    {
        var options = MetricsOptions.From(Builder(("Bulwark:Metrics:Enabled", "true"), ("Bulwark:Metrics:Urls", "http://127.0.0.1:9464")).Configuration);
        Assert.True(options.Enabled);
        Assert.Equal(["http://127.0.0.1:9464"], options.ListenUrls);
    }
}
