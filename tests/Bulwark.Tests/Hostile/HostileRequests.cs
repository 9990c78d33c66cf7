using System.Net.Http.Headers;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests.Hostile;

/// <summary>Builders the families share: a twine-shaped upload with one thing changed, or raw bytes.</summary>
public static class HostileRequests
{
    /// <summary>
    /// A valid upload of a new project (or of <paramref name="project"/>), changed by <paramref name="change"/>,
    /// sent with <paramref name="token"/> (null: no credentials at all).
    /// </summary>
    public static HttpRequestMessage Upload(HostileContext context, string? token, Action<UploadForm> change, string? project = null, string version = "1.0", bool wheel = true)
    {
        var spec = new TestDistributions.Spec(project ?? context.NewProjectName(), version);
        var form = UploadForm.For(spec, wheel);
        change(form);
        return Post(form.ToContent(), token);
    }

    /// <summary>A valid upload of a new project with the owner's unscoped token, changed by <paramref name="change"/>.</summary>
    public static HttpRequestMessage Upload(HostileContext context, Action<UploadForm> change, bool wheel = true) =>
        Upload(context, context.UnscopedToken, change, wheel: wheel);

    /// <summary>An upload whose distribution is built from <paramref name="spec"/> and then changed.</summary>
    public static HttpRequestMessage Upload(HostileContext context, TestDistributions.Spec spec, Action<UploadForm>? change = null, bool wheel = true, string? token = null)
    {
        var form = UploadForm.For(spec, wheel);
        change?.Invoke(form);
        return Post(form.ToContent(), token ?? context.UnscopedToken);
    }

    /// <summary>A POST to <c>/legacy/</c> of raw bytes under the given content type.</summary>
    public static HttpRequestMessage RawUpload(string token, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return Post(content, token);
    }

    public static HttpRequestMessage Post(HttpContent content, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/legacy/") { Content = content };
        if (token is not null) request.Headers.Authorization = UploadForm.TokenAuth(token);
        return request;
    }

    public static HttpRequestMessage Get(string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    public static AuthenticationHeaderValue Basic(string user, string password) => UploadForm.Basic(user, password);
}
