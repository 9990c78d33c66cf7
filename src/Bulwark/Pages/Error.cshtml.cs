using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Bulwark.Pages;

[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    /// <summary>
    /// From the route, not bound as a handler argument: binding would read the form of the request being answered,
    /// which may be the unreadable form this page reports.
    /// </summary>
    public int Code => int.TryParse(RouteData.Values["code"] as string, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code) ? code : 0;

    /// <summary>What the refusal said was wrong with the request, when it said.</summary>
    public string? Problem => Bulwark.Web.RequestProblem.Of(HttpContext);

    public string Heading => Code switch
    {
        403 => "Access denied",
        404 => "Not found",
        429 => "Too many requests",
        400 => "Bad request",
        405 => "Method not allowed",
        413 => "Request too large",
        _ => "Something went wrong",
    };

    public string Message => Code switch
    {
        403 => "You do not have permission to see this page.",
        404 => "There is nothing at this address.",
        429 => "Too many attempts. Wait a little and try again.",
        400 => "The request could not be understood. If you submitted a form, reload the page and try again.",
        _ => "The server could not complete the request.",
    };

    public void OnGet()
    {
    }

    public void OnPost()
    {
    }
}
