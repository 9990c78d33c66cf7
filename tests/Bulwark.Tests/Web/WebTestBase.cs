using System.Net;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests.Web;

public abstract class WebTestBase<TServer>(TServer server) where TServer : BulwarkServer
{
    protected TServer Server { get; } = server;

    protected static string UniqueName(string stem = "web") => $"{stem}-{Guid.NewGuid().ToString("N")[..10]}";

    protected Browser NewBrowser(string baseAddress = "http://localhost") => new(Server, baseAddress);

    /// <summary>Uploads a wheel through the real upload API with a token of <paramref name="username"/>.</summary>
    protected async Task UploadAsync(string username, TestDistributions.Spec spec, bool wheel = true, string? token = null)
    {
        token ??= await Server.CreateTokenAsync(username);
        var client = Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/legacy/") { Content = UploadForm.For(spec, wheel).ToContent() };
        request.Headers.Authorization = UploadForm.TokenAuth(token);
        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"upload of {spec.Name} {spec.Version} failed: {(int)response.StatusCode} {response.ReasonPhrase} {body}");
    }
}
