using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Bulwark.Pages;

[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public int Code { get; private set; }

    public string Heading => Code switch
    {
        403 => "Access denied",
        404 => "Not found",
        429 => "Too many requests",
        400 => "Bad request",
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

    public void OnGet(int code) => Code = code;

    public void OnPost(int code) => Code = code;
}
