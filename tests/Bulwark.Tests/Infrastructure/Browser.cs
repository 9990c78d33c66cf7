using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Bulwark.Tests.Infrastructure;

/// <summary>A fetched HTML page: status, headers and the parsed document.</summary>
public sealed record HtmlPage(HttpResponseMessage Response, IHtmlDocument Document, string Html)
{
    public HttpStatusCode Status => Response.StatusCode;
    public string Text => Document.Body?.TextContent ?? "";
    public IElement? Find(string selector) => Document.QuerySelector(selector);
    public IElement Get(string selector) => Document.QuerySelector(selector) ?? throw new Xunit.Sdk.XunitException($"No element matches '{selector}' in:\n{Html}");
    public IReadOnlyList<IElement> All(string selector) => Document.QuerySelectorAll(selector).ToList();
}

/// <summary>
/// Drives the web UI the way a browser without JavaScript would: keeps cookies, follows redirects on
/// request, and submits forms with every field the page put in them (the antiforgery token included).
/// </summary>
public sealed class Browser
{
    private static readonly HtmlParser Parser = new();
    private static int _clients;

    private readonly HttpClient _client;

    public Browser(BulwarkServer server, string baseAddress = "http://localhost")
    {
        _client = server.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            HandleCookies = true,
            BaseAddress = new Uri(baseAddress),
        });
        // Every browser is its own client network (an IPv6 /64), so per-network throttling of one test never meets another.
        Address = $"2001:db8:b{Interlocked.Increment(ref _clients):x}::7";
        _client.DefaultRequestHeaders.Add(TestClientAddress.Header, Address);
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("bulwark-tests-browser/1.0");
    }

    public HttpClient Client => _client;

    /// <summary>The client address the server sees.</summary>
    public string Address { get; }

    /// <summary>GET, following redirects.</summary>
    public async Task<HtmlPage> GetAsync(string url)
    {
        var response = await _client.GetAsync(url);
        return await FollowAsync(response);
    }

    /// <summary>GET without following a redirect.</summary>
    public Task<HttpResponseMessage> GetRawAsync(string url) => _client.GetAsync(url);

    /// <summary>
    /// Submits the form matched by <paramref name="formSelector"/>: its own fields (hidden ones, defaults,
    /// checked boxes), overridden by <paramref name="fields"/>. Follows the redirect that answers it.
    /// </summary>
    public async Task<HtmlPage> SubmitAsync(HtmlPage page, string formSelector, IEnumerable<KeyValuePair<string, string>>? fields = null, bool follow = true)
    {
        var response = await SubmitRawAsync(page, formSelector, fields);
        return follow ? await FollowAsync(response) : await ParseAsync(response);
    }

    public Task<HttpResponseMessage> SubmitRawAsync(HtmlPage page, string formSelector, IEnumerable<KeyValuePair<string, string>>? fields = null)
    {
        var form = page.Get(formSelector) as IHtmlFormElement ?? throw new Xunit.Sdk.XunitException($"'{formSelector}' is not a form");
        var values = new List<KeyValuePair<string, string>>();
        foreach (var element in form.Elements)
        {
            switch (element)
            {
                case IHtmlInputElement input when !string.IsNullOrEmpty(input.Name) && input.Type is not ("submit" or "button"):
                    if (input.Type is "checkbox" or "radio" && !input.IsChecked) break;
                    values.Add(new(input.Name!, input.Value));
                    break;
                case IHtmlTextAreaElement area when !string.IsNullOrEmpty(area.Name):
                    values.Add(new(area.Name!, area.Value));
                    break;
                case IHtmlSelectElement select when !string.IsNullOrEmpty(select.Name):
                    values.Add(new(select.Name!, select.Value ?? ""));
                    break;
            }
        }
        var overrides = (fields ?? []).ToList();
        foreach (var name in overrides.Select(f => f.Key).Distinct()) values.RemoveAll(v => v.Key == name);
        values.AddRange(overrides.Where(f => f.Value is not null));
        var action = form.GetAttribute("action");
        var target = string.IsNullOrEmpty(action) ? page.Response.RequestMessage!.RequestUri!.PathAndQuery : action;
        return _client.PostAsync(target, new FormUrlEncodedContent(values));
    }

    public Task<HttpResponseMessage> PostRawAsync(string url, IEnumerable<KeyValuePair<string, string>> fields) =>
        _client.PostAsync(url, new FormUrlEncodedContent(fields));

    public async Task<HtmlPage> FollowAsync(HttpResponseMessage response)
    {
        for (var hops = 0; hops < 10 && (int)response.StatusCode is >= 300 and < 400; hops++)
        {
            var location = response.Headers.Location ?? throw new Xunit.Sdk.XunitException("redirect without Location");
            response = await _client.GetAsync(location);
        }
        return await ParseAsync(response);
    }

    public static async Task<HtmlPage> ParseAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        return new HtmlPage(response, await Parser.ParseDocumentAsync(html), html);
    }
}
