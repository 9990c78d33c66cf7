using System.Net;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests.Uploads;

public abstract class UploadTestBase<TServer>(TServer server) where TServer : BulwarkServer
{
    protected TServer Server { get; } = server;

    /// <summary>A project name no other test in the class uses.</summary>
    protected static string UniqueName(string stem = "pkg") => $"{stem}-{Guid.NewGuid().ToString("N")[..10]}";

    protected async Task<HttpResponseMessage> UploadAsync(UploadForm form, string token, string path = "/legacy/")
    {
        var client = Server.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form.ToContent() };
        request.Headers.Authorization = UploadForm.TokenAuth(token);
        return await client.SendAsync(request);
    }

    protected static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string messageStart)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode} {response.ReasonPhrase}: {body}");
        Assert.StartsWith(messageStart, response.ReasonPhrase);
        Assert.Contains(messageStart, body);
    }

    protected static async Task AssertOkAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode} {response.ReasonPhrase}: {body}");
    }
}
