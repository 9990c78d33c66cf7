using Bulwark.Core.Policies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Bulwark.Pages;

/// <summary>What the refusal page shows: which rule refused, why, and where to comply.</summary>
public sealed record MandateRefusal(MandateRule Rule, string Heading, string Message, string SecurityPage)
{
    /// <summary>
    /// A 403 page carrying the mandate's message, rendered in place (no redirect), so a refused form post or
    /// page load answers with the rule at the URL that was refused.
    /// </summary>
    public static IActionResult Result(MandateDecision decision, Uri securityPage)
    {
        var heading = decision.Rule switch
        {
            MandateRule.AdminPhishingResistant => "Sign in with a security key for the admin area",
            MandateRule.PhishingResistantOnly => "This project needs a security key or passkey",
            MandateRule.CriticalProject => "Two-factor authentication required for this critical project",
            _ => "Two-factor authentication required",
        };
        var model = new MandateRefusal(decision.Rule, heading, decision.Message!, securityPage.PathAndQuery);
        return new ViewResult
        {
            ViewName = "/Pages/Shared/_MandateRefused.cshtml",
            StatusCode = StatusCodes.Status403Forbidden,
            ViewData = new ViewDataDictionary<MandateRefusal>(new EmptyModelMetadataProvider(), new ModelStateDictionary()) { Model = model },
        };
    }
}
