using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Bulwark.Web;

/// <summary>
/// Refuses a page request for which the page has no handler: a method it does not handle (TRACE, OPTIONS, PUT...)
/// answers 405 with <c>Allow</c>, an unknown <c>?handler=</c> answers 404.
/// </summary>
/// <remarks>
/// Why: Razor Pages renders a page whose handler was not found without running any handler, so the page's model
/// is empty and rendering it failed with a 500 (TRACE is exempt from the antiforgery check, and so is any method
/// once a valid token is sent). A page with no handlers at all is static and still renders for GET and HEAD.
/// </remarks>
public sealed class UnhandledMethodFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var http = context.HttpContext;
        var method = http.Request.Method;
        var handlers = context.ActionDescriptor.HandlerMethods;
        var unhandled = context.HandlerMethod is null
            && (handlers.Count > 0 || !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method)))
            // The error page rendered for another refusal answers whatever the method was.
            && http.Features.Get<IStatusCodeReExecuteFeature>() is null;
        if (!unhandled)
        {
            await next();
            return;
        }
        var name = context.RouteData.Values.TryGetValue("handler", out var h) ? h as string : http.Request.Query["handler"].ToString();
        var allowed = handlers.Count == 0 ? ["GET"] : handlers.Select(m => m.HttpMethod.ToUpperInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (allowed.Contains("GET")) allowed.Add("HEAD");
        // An unknown ?handler= names no action; a known method with none named is handled only by named handlers.
        if ((!string.IsNullOrEmpty(name) && !handlers.Any(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)))
            || allowed.Contains(method.ToUpperInvariant()))
        {
            RequestProblem.Set(http, "This page has no such action.");
            context.Result = new NotFoundResult();
            return;
        }
        http.Response.Headers.Allow = string.Join(", ", allowed);
        RequestProblem.Set(http, $"This page does not answer {(method.Length <= 20 && method.All(char.IsAsciiLetter) ? method : "this")} requests; it answers {string.Join(", ", allowed)}.");
        context.Result = new StatusCodeResult(StatusCodes.Status405MethodNotAllowed);
    }
}
