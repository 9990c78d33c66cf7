using System.Net;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests.Operations;

public sealed class MetricsServer() : BulwarkServer(Bulwark.Hosting.DatabaseKind.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Bulwark:Metrics:Enabled", "true")];
}

/// <summary><c>Bulwark:Metrics:Enabled=true</c>: Prometheus text at <c>/metrics</c> with Bulwark's own and ASP.NET Core's instruments.</summary>
public sealed class MetricsEndpointTests(MetricsServer server) : IClassFixture<MetricsServer>
{
    [Fact]
    public async Task After_uploads_and_page_views_metrics_show_counters_by_outcome_reason_route_and_status()
    {
        var name = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        var token = await server.CreateTokenAsync("metrics-user");
        var client = server.CreateClient();
        async Task<HttpResponseMessage> UploadAsync(UploadForm form)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/legacy/") { Content = form.ToContent() };
            request.Headers.Authorization = UploadForm.TokenAuth(token);
            return await client.SendAsync(request);
        }
        var spec = new TestDistributions.Spec(name, "1.0");
        Assert.Equal(HttpStatusCode.OK, (await UploadAsync(UploadForm.For(spec))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await UploadAsync(UploadForm.For(spec with { Summary = "other bytes" }))).StatusCode);
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/simple/{name}/")).StatusCode);

        var metrics = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal("text/plain", metrics.Content.Headers.ContentType?.MediaType);
        var text = await metrics.Content.ReadAsStringAsync();

        Assert.True(Value(text, "bulwark_uploads_total", "outcome=\"stored\"") >= 1, text);
        Assert.True(Value(text, "bulwark_upload_bytes_total") >= TestDistributions.Wheel(spec).Length, text);
        Assert.True(Value(text, "bulwark_upload_refusals_total", "reason=\"duplicate\"", "status=\"400\"") >= 1, text);
        Assert.True(Value(text, "bulwark_page_cache_misses_total") >= 1, text);
        Assert.True(Value(text, "bulwark_page_cache_hits_total") >= 1, text);
        Assert.True(Value(text, "http_server_request_duration_seconds_count", "http_route=\"/legacy/\"", "http_response_status_code=\"200\"") >= 1, text);
        Assert.True(Value(text, "http_server_request_duration_seconds_count", "http_route=\"/simple/{name}\"", "http_response_status_code=\"200\"") >= 2, text);
    }

    /// <summary>The sum of the samples of <paramref name="metric"/> whose labels contain every one of <paramref name="labels"/>.</summary>
    private static double Value(string exposition, string metric, params string[] labels)
    {
        double sum = 0;
        var found = false;
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith(metric + "{", StringComparison.Ordinal) && !line.StartsWith(metric + " ", StringComparison.Ordinal)) continue;
            if (labels.Any(l => !line.Contains(l, StringComparison.Ordinal))) continue;
            var parts = line.Split(' ');
            // "name{labels} value [timestamp]"
            var value = line.Contains('}') ? line[(line.LastIndexOf('}') + 2)..].Split(' ')[0] : parts[1];
            sum += double.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            found = true;
        }
        return found ? sum : -1;
    }
}

public sealed class MetricsOffTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    [Fact]
    public async Task Metrics_are_off_by_default()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await server.CreateClient().GetAsync("/metrics")).StatusCode);
    }
}
