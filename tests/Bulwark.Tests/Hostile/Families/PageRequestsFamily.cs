using System.Text;

namespace Bulwark.Tests.Hostile.Families;

/// <summary>
/// Requests to the web pages that no browser sends: methods a page has no handler for (TRACE is exempt from the
/// antiforgery check), form content on a GET, and forms the form reader refuses (NUL, more than 1024 fields, an
/// overlong field name, a broken multipart body, a form over the pages' 1 MiB limit). Each is refused with the
/// status and an error page that names the problem; none reaches a page handler.
/// </summary>
[HostileFamily]
public static class PageRequestsFamily
{
    private const string F = "page-requests";

    public static IEnumerable<HostileCase> Cases()
    {
        var notAllowed = HostileExpectation.Status("does not answer TRACE requests", 405);
        foreach (var (name, path) in new (string, Func<HostileContext, string>)[]
        {
            ("home", _ => "/"), ("project", c => $"/project/{c.ExistingProject}/"), ("release", c => $"/project/{c.ExistingProject}/1.0/"),
            ("profile", c => $"/user/{c.Owner}/"), ("login", _ => "/account/login"), ("register", _ => "/account/register"),
        })
        {
            yield return new(F, $"trace-{name}", c => Request("TRACE", path(c)), notAllowed);
        }

        var unreadable = HostileExpectation.Status("form could not be read", 400);
        foreach (var (name, path) in new (string, Func<HostileContext, string>)[]
        {
            ("home", _ => "/"), ("project", c => $"/project/{c.ExistingProject}/"), ("profile", c => $"/user/{c.Owner}/"),
        })
        {
            // No antiforgery check guards a GET, so model binding read this body: the page's route values came out null.
            yield return new(F, $"get-{name}-with-a-broken-multipart-body", c => Request("GET", path(c), "--x\r\nnot a part", "multipart/form-data; boundary=x"), unreadable);
            yield return new(F, $"get-{name}-multipart-without-boundary", c => Request("GET", path(c), "--x\r\n\r\nv\r\n--x--\r\n", "multipart/form-data"), unreadable);
        }

        foreach (var page in new[] { "login", "register", "forgot-password" })
        {
            var path = "/account/" + page;
            yield return new(F, $"{page}-nul-in-a-field", _ => Form(path, "Username=a%00b&Login=%00"), HostileExpectation.Status("NUL character", 400));
            yield return new(F, $"{page}-1100-fields", _ => Form(path, string.Join("&", Enumerable.Range(0, 1100).Select(i => $"f{i}=v"))),
                HostileExpectation.Status("more than 1024 fields", 400));
            yield return new(F, $"{page}-field-name-of-3000-characters", _ => Form(path, new string('k', 3000) + "=v"), HostileExpectation.Status("key length limit", 400));
            yield return new(F, $"{page}-two-megabyte-form", _ => Form(path, "Username=" + new string('u', 2 * 1024 * 1024)), HostileExpectation.Status("larger than 1048576 bytes", 413));
            yield return new(F, $"{page}-multipart-part-header-over-the-limit", _ => Request("POST", path,
                "--x\r\nContent-Disposition: form-data; name=\"Username\"\r\nX-Filler: " + new string('h', 20_000) + "\r\n\r\nv\r\n--x--\r\n", "multipart/form-data; boundary=x"), unreadable);
            yield return new(F, $"{page}-multipart-without-closing-boundary", _ => Request("POST", path,
                "--x\r\nContent-Disposition: form-data; name=\"Username\"\r\n\r\nv", "multipart/form-data; boundary=x"), unreadable);
        }
    }

    private static HttpRequestMessage Form(string path, string body) => Request("POST", path, body, "application/x-www-form-urlencoded");

    private static HttpRequestMessage Request(string method, string path, string? body = null, string? contentType = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
            if (contentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return request;
    }
}
