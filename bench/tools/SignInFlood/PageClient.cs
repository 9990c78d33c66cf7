using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace Bulwark.Bench.SignInFlood;

/// <summary>
/// One browser: its own cookies and its own client address (X-Forwarded-For, which the benchmark's server
/// believes from 127.0.0.1). Forms are read from Bulwark's own markup by id.
/// </summary>
public sealed partial class PageClient : IDisposable
{
    private readonly HttpClient _http;

    public PageClient(Uri baseUrl, string address)
    {
        Address = address;
        Cookies = new CookieContainer();
        _http = new HttpClient(new SocketsHttpHandler { CookieContainer = Cookies, UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = baseUrl,
            Timeout = TimeSpan.FromSeconds(60),
        };
        _http.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("bulwark-bench-browser/1.0");
    }

    public string Address { get; }
    public CookieContainer Cookies { get; }

    /// <summary>The path of the last page fetched: where a form without an action posts.</summary>
    public string LastPath { get; private set; } = "/";

    public async Task<(HttpStatusCode Status, string Html, Uri? Location)> GetAsync(string path)
    {
        LastPath = path;
        using var response = await _http.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
    }

    public async Task<(HttpStatusCode Status, string Body, Uri? Location)> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> fields)
    {
        using var response = await _http.PostAsync(path, new FormUrlEncodedContent(fields));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Location);
    }

    /// <summary>Posts the form with this id from <paramref name="html"/>: its own fields, overridden by <paramref name="fields"/>.</summary>
    public Task<(HttpStatusCode Status, string Body, Uri? Location)> SubmitAsync(string html, string formId, params (string Name, string Value)[] fields)
    {
        var form = Form(html, formId);
        var values = Inputs(form.Body).Where(i => fields.All(f => f.Name != i.Key)).ToList();
        values.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return PostAsync(form.Action.Length > 0 ? WebUtility.HtmlDecode(form.Action) : LastPath, values);
    }

    public static string Attribute(string html, string formId, string name)
    {
        var open = Form(html, formId).Open;
        var m = Regex.Match(open, name + "=\"([^\"]*)\"");
        return m.Success ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException($"form {formId} has no {name}");
    }

    public static string Text(string html, string id)
    {
        var m = Regex.Match(html, "id=\"" + Regex.Escape(id) + "\"[^>]*>(.*?)</", RegexOptions.Singleline);
        return m.Success ? WebUtility.HtmlDecode(m.Groups[1].Value).Trim() : throw new InvalidOperationException($"no element {id}");
    }

    public static IReadOnlyList<string> Codes(string html) =>
        CodeElements().Matches(html[html.IndexOf("id=\"new-recovery-codes\"", StringComparison.Ordinal)..]).Select(m => m.Groups[1].Value.Trim()).Take(8).ToList();

    private static (string Open, string Action, string Body) Form(string html, string id)
    {
        var m = Regex.Match(html, "(<form[^>]*id=\"" + Regex.Escape(id) + "\"[^>]*>)(.*?)</form>", RegexOptions.Singleline);
        if (!m.Success) throw new InvalidOperationException($"no form {id} in:\n{html[..Math.Min(html.Length, 3000)]}");
        var action = Regex.Match(m.Groups[1].Value, "action=\"([^\"]*)\"");
        return (m.Groups[1].Value, action.Success ? action.Groups[1].Value : "", m.Groups[2].Value);
    }

    private static IEnumerable<KeyValuePair<string, string>> Inputs(string formBody)
    {
        foreach (Match input in InputElements().Matches(formBody))
        {
            var name = Regex.Match(input.Value, "name=\"([^\"]+)\"");
            if (!name.Success) continue;
            var value = Regex.Match(input.Value, "value=\"([^\"]*)\"");
            yield return new(name.Groups[1].Value, value.Success ? WebUtility.HtmlDecode(value.Groups[1].Value) : "");
        }
    }

    /// <summary>Runs <paramref name="step"/> and returns its wall time in milliseconds.</summary>
    public static async Task<(T Result, double Ms)> TimedAsync<T>(Func<Task<T>> step)
    {
        var clock = Stopwatch.StartNew();
        var result = await step();
        return (result, clock.Elapsed.TotalMilliseconds);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("<input[^>]*>")]
    private static partial Regex InputElements();

    [GeneratedRegex("<code>([^<]+)</code>")]
    private static partial Regex CodeElements();
}
