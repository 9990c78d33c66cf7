using Bulwark.Core.Accounts.Flows;

using Bulwark.Core.Outcomes;

namespace Bulwark.Pages.Account;

/// <summary>The landing page of the e-mailed verification link.</summary>
public sealed class VerifyEmailModel(EmailVerification verification) : BulwarkPageModel
{
    public Outcome<string> Result { get; private set; }

    public async Task OnGetAsync(string? token, CancellationToken ct)
    {
        NoReferrer();
        Result = await verification.VerifyAsync(token, RequestActor, ct);
        if (!Result.Succeeded) Response.StatusCode = StatusCodes.Status400BadRequest;
    }
}
