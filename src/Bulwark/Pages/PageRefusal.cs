using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Bulwark.Pages;

/// <summary>A refusal page rendered in place with its reason (a quarantined project's management pages, for one).</summary>
public sealed record PageRefusal(string Heading, string Message)
{
    public static IActionResult Result(string heading, string message, int status = StatusCodes.Status403Forbidden) => new ViewResult
    {
        ViewName = "/Pages/Shared/_Refused.cshtml",
        StatusCode = status,
        ViewData = new ViewDataDictionary<PageRefusal>(new EmptyModelMetadataProvider(), new ModelStateDictionary()) { Model = new PageRefusal(heading, message) },
    };
}
