using Bulwark.Auth;
using Bulwark.Core.Accounts.Devices;
using Bulwark.Core.Accounts.RecoveryCodes;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Totp;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Accounts.WebAuthn;
using Bulwark.Core.Data;
using Bulwark.Core.Policies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Pages.Account;

/// <summary>
/// Two-factor settings: authenticator app (QR + base32, confirmed by a code), security keys and passkeys
/// (add, name, remove, last used), recovery codes (generated with the first factor, shown once, confirmed
/// by typing one back; regenerate). The whole page needs a fresh authentication from a confirmed device:
/// a relayed session must not be able to add its own factor or remove the owner's.
/// </summary>
[RequireRecentAuthentication]
public sealed class SecurityModel(
    TwoFactorStatusQuery statusQuery,
    TotpEnrollment totpEnrollment,
    WebAuthnRegistration registration,
    WebAuthnCredentialManagement credentials,
    RecoveryCodeGeneration recoveryCodes,
    FactorRemoval removal,
    ITwoFactorRequirement requirement,
    KnownDevices devices,
    SessionService sessions,
    BulwarkDbContext db) : BulwarkPageModel
{
    [BindProperty]
    public string Code { get; set; } = "";

    [BindProperty]
    public string KeyName { get; set; } = "";

    [BindProperty]
    public Guid ChallengeId { get; set; }

    [BindProperty]
    public string Credential { get; set; } = "";

    [BindProperty]
    public long CredentialRowId { get; set; }

    public TwoFactorStatus Factors { get; private set; } = TwoFactorStatus.None;
    public IReadOnlyList<WebAuthnCredentialSummary> Keys { get; private set; } = [];
    public DateTimeOffset? TotpLastUsedAt { get; private set; }
    public DateTimeOffset? TotpAddedAt { get; private set; }

    /// <summary>An enrolment in progress: shown in the answer to the POST that began it, never stored for display.</summary>
    public TotpEnrollmentStart? TotpSetup { get; private set; }

    /// <summary>New recovery codes: shown in the answer that generated them and never again.</summary>
    public IReadOnlyList<string>? NewRecoveryCodes { get; private set; }

    /// <summary>Which form the errors on the page belong to.</summary>
    public string? FailedForm { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostTotpBeginAsync(CancellationToken ct)
    {
        var result = await totpEnrollment.BeginAsync(CurrentUser, ct);
        if (!result.Succeeded) return await FailAsync("totp", result.Message, ct);
        NoStore();
        TotpSetup = result.Start;
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostTotpConfirmAsync(CancellationToken ct)
    {
        var result = await totpEnrollment.ConfirmAsync(CurrentUser, Code, RequestActor, ct);
        Code = "";
        if (!result.Succeeded) return await FailAsync("totp-confirm", result.Message + " Start again if the QR code is no longer on screen.", ct);
        return await FactorAddedAsync("Your authenticator app is set up.", ct);
    }

    public async Task<IActionResult> OnPostTotpRemoveAsync(CancellationToken ct)
    {
        var result = await removal.RemoveTotpAsync(CurrentUser, await requirement.RequiresFactorAsync(CurrentUser, ct), RequestActor, ct);
        if (!result.Succeeded) return await FailAsync("totp", result.Message, ct);
        await EndOtherSessionsAsync(ct);
        Flash("The authenticator app was removed. It can no longer be used to sign in. Your other sessions were signed out.");
        return RedirectToPage();
    }

    /// <summary>Starts registering a security key (passkey=false) or a passkey (called by webauthn.js).</summary>
    public async Task<IActionResult> OnPostKeyOptionsAsync(bool passkey, CancellationToken ct)
    {
        var start = await registration.BeginAsync(CurrentUser, passkey, ct);
        return new JsonResult(new { challengeId = start.ChallengeId, options = start.OptionsJson });
    }

    public async Task<IActionResult> OnPostKeyAddAsync(CancellationToken ct)
    {
        var result = await registration.CompleteAsync(CurrentUser, ChallengeId, Credential, KeyName, RequestActor, ct);
        Credential = "";
        if (!result.Succeeded) return await FailAsync("keys", result.Message, ct);
        var method = WebAuthnAssertion.MethodOf(result.Credential!) == SecondFactorMethod.Passkey ? "passkey" : "security key";
        return await FactorAddedAsync($"The {method} \"{result.Credential!.Name}\" was added.", ct);
    }

    public async Task<IActionResult> OnPostKeyRemoveAsync(CancellationToken ct)
    {
        var result = await removal.RemoveWebAuthnAsync(CurrentUser, CredentialRowId, await requirement.RequiresFactorAsync(CurrentUser, ct), RequestActor, ct);
        if (!result.Succeeded) return await FailAsync("keys", result.Message, ct);
        await EndOtherSessionsAsync(ct);
        Flash("The key was removed. It can no longer be used to sign in. Your other sessions were signed out.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostKeyRenameAsync(CancellationToken ct)
    {
        var renamed = await credentials.RenameAsync(CurrentUser, CredentialRowId, KeyName, RequestActor, ct);
        if (!renamed) return await FailAsync("keys", "There is no such key on your account.", ct);
        Flash("The key was renamed.");
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRecoveryRegenerateAsync(CancellationToken ct)
    {
        var status = await statusQuery.GetAsync(CurrentUser.Id, ct);
        if (!status.HasAnyFactor) return await FailAsync("recovery", "Add a two-factor method first: recovery codes stand in for one.", ct);
        return await ShowNewCodesAsync("New recovery codes were generated. The old ones no longer work.", ct);
    }

    public async Task<IActionResult> OnPostRecoveryConfirmAsync(CancellationToken ct)
    {
        var outcome = await recoveryCodes.ConfirmSavedAsync(CurrentUser, Code, RequestActor, ct);
        Code = "";
        switch (outcome)
        {
            case RecoveryCodeConfirmation.Confirmed:
            case RecoveryCodeConfirmation.AlreadyConfirmed:
                Flash("Your recovery codes are saved. Two-factor authentication is set up.");
                return RedirectToPage();
            case RecoveryCodeConfirmation.NoCodes:
                return await FailAsync("recovery", "There are no recovery codes to confirm. Generate new ones.", ct);
            default:
                return await FailAsync("recovery", "That is not one of your new recovery codes. Type one of the codes from the list you saved; if you did not save them, generate new ones.", ct);
        }
    }

    /// <summary>
    /// After a factor is added: the browser that added it becomes known, and the first factor comes with
    /// recovery codes, shown right away, since without them a lost key or phone locks the owner out.
    /// </summary>
    private async Task<IActionResult> FactorAddedAsync(string message, CancellationToken ct)
    {
        var session = HttpContext.CurrentSession()!;
        await EndOtherSessionsAsync(ct);
        message += " Your other sessions were signed out.";
        await devices.RememberAsync(session.UserId, DeviceCookie.Ensure(HttpContext), RequestActor.IpAddress, RequestActor.UserAgent, ct);
        var status = await statusQuery.GetAsync(CurrentUser.Id, ct);
        var hasLiveSet = await db.RecoveryCodeSets.AnyAsync(s => s.UserId == CurrentUser.Id && s.InvalidatedAt == null && s.Codes.Any(c => c.BurnedAt == null), ct);
        if (!hasLiveSet && status.HasAnyFactor)
        {
            return await ShowNewCodesAsync(message + " Save these recovery codes now: they are shown only once.", ct);
        }
        Flash(message);
        return RedirectToPage();
    }

    /// <summary>
    /// A factor change ends every other session of the account (the owner is e-mailed by the factor notice):
    /// a session opened before the change may be the very thing the owner is locking out.
    /// </summary>
    private Task EndOtherSessionsAsync(CancellationToken ct) =>
        sessions.RevokeAllExceptAsync(CurrentUser.Id, HttpContext.CurrentSession()!.Id, SessionEndReason.FactorChanged, RequestActor, ct);

    private async Task<IActionResult> ShowNewCodesAsync(string message, CancellationToken ct)
    {
        var generated = await recoveryCodes.GenerateAsync(CurrentUser, RequestActor, ct);
        NoStore();
        NewRecoveryCodes = generated.Codes;
        ViewData["Notice"] = message;
        await LoadAsync(ct);
        return Page();
    }

    private async Task<IActionResult> FailAsync(string form, string message, CancellationToken ct)
    {
        FailedForm = form;
        // Every form on the page posts only its own fields; show only the answer to this one.
        ModelState.Clear();
        ModelState.AddModelError("", message);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Factors = await statusQuery.GetAsync(CurrentUser.Id, ct);
        Keys = await credentials.ListAsync(CurrentUser.Id, ct);
        var totp = await db.TotpCredentials.AsNoTracking().FirstOrDefaultAsync(t => t.UserId == CurrentUser.Id && t.ConfirmedAt != null, ct);
        TotpLastUsedAt = totp?.LastUsedAt;
        TotpAddedAt = totp?.ConfirmedAt;
    }
}
