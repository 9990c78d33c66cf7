using Bulwark.Core.Accounts.Devices;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Tokens;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Email;

using Bulwark.Core.Outcomes;

namespace Bulwark.Core.Accounts.Flows;

/// <summary>
/// Starts the session of a password sign-in, at once or, while the account's failure limit has tripped,
/// through a link e-mailed to the account's address and opened in the browser that asked.
/// </summary>
/// <remarks>
/// <para>Why a link once the account's limit has tripped: up to that limit a wrong guess and a right one get
/// different answers, as usual. Past it, a browser the account does not know gets the same answer for both
/// ("if the password is right, we e-mailed a link"), so further guessing tells the attacker nothing, and yet
/// the owner is never locked out: the right password plus the mailbox still signs in. A right guess by
/// someone else shows up in the owner's mailbox, with a "this was not me" link.</para>
/// <para>The link is bound to the browser's device cookie (only the hash of link and cookie together is
/// stored), so it works only in that browser: forwarded, intercepted or fetched by a mail scanner it matches
/// nothing, and stays usable. Opening it proves both the password and the mailbox in that browser, which is
/// what the device confirmation link proves too, so the browser becomes known to the account.</para>
/// </remarks>
public sealed class SignInContinuation(
    BulwarkDbContext db,
    SessionService sessions,
    TwoFactorStatusQuery twoFactor,
    AccountTokenService tokens,
    KnownDevices devices,
    AuditLog audit,
    IEmailSender mail,
    AccountLinks links,
    TimeProvider time)
{
    public const string LinkRefusedMessage =
        "This sign-in link does not work here. It works once, only in the browser where the password was entered, and only until it expires. Open it in that browser, or sign in again.";

    /// <summary>Creates the session after a verified password (pending its second factor when the account has one).</summary>
    public async Task<SignInResult> StartAsync(User account, Actor actor, string via, CancellationToken ct = default)
    {
        // Any usable factor (TOTP, security key, passkey) makes the password only the first step.
        var secondFactor = (await twoFactor.GetAsync(account.Id, ct)).HasAnyFactor;
        var created = await sessions.CreateAsync(account, AuthMethod.Password, secondFactor, actor with { UserId = account.Id }, ct);
        audit.Record(AuditEventType.LoginSuccess, actor with { UserId = account.Id }, account.Id,
            details: new LoginSuccessDetails(created.Session.Id, AuthMethod.Password.ToString(), SecondFactorPending: secondFactor, Via: via));
        await db.SaveChangesAsync(ct);
        return secondFactor
            ? new SignInResult(SignInOutcome.SecondFactorRequired, "Enter your second factor to finish signing in.", created.SessionId, created.Session)
            : new SignInResult(SignInOutcome.SignedIn, "Signed in.", created.SessionId, created.Session);
    }

    /// <summary>E-mails the owner a link that finishes this sign-in in the browser holding <paramref name="deviceCookie"/>.</summary>
    public async Task SendLinkAsync(User account, string deviceCookie, Actor actor, CancellationToken ct = default)
    {
        var link = await tokens.IssueAsync(account, AccountTokenPurpose.ContinueSignIn, null, ct, binding: deviceCookie);
        // Not superseding: a "this was not me" link of an earlier mail must keep working.
        var report = await tokens.IssueAsync(account, AccountTokenPurpose.ReportSignIn, null, ct, supersede: false);
        audit.Record(AuditEventType.SignInLinkSent, actor with { UserId = null }, account.Id);
        await db.SaveChangesAsync(ct);
        await mail.SendAsync(SecurityEmails.SignInLink(account.Email, account.Username, time.GetUtcNow(), actor.IpAddress, actor.UserAgent,
            links.ContinueSignIn(link.Secret), link.ValidFor, links.ReportSignIn(report.Secret)), ct);
    }

    /// <summary>Uses an e-mailed link in the browser holding <paramref name="deviceCookie"/> and starts the session.</summary>
    public async Task<SignInResult> ContinueAsync(string? secret, string? deviceCookie, Actor actor, CancellationToken ct = default)
    {
        var redemption = deviceCookie is null
            ? new AccountTokenRedemption(AccountTokenCheck.Invalid, null)
            : await tokens.RedeemAsync(secret, AccountTokenPurpose.ContinueSignIn, ct, binding: deviceCookie);
        if (!redemption.Succeeded)
        {
            if (redemption.Token is { } t)
            {
                audit.Record(AuditEventType.AccountLinkRejected, actor with { UserId = null }, t.UserId,
                    details: new LinkRejectedDetails(t.Purpose.ToString(), redemption.Result.ToString()));
                await db.SaveChangesAsync(ct);
            }
            // A link from another browser matches no row at all; the message covers both cases.
            var message = redemption.Result == AccountTokenCheck.Invalid ? LinkRefusedMessage : redemption.Message;
            return new SignInResult(SignInOutcome.Failed, message);
        }
        var account = redemption.Token!.User;
        if (account.IsFrozen || account.PasswordHash is null)
        {
            audit.Record(AuditEventType.LoginFailure, actor with { UserId = null }, account.Id,
                details: new LoginFailureDetails(null, account.IsFrozen ? "frozen" : "no password", Via: "e-mailed sign-in link"));
            await db.SaveChangesAsync(ct);
            return new SignInResult(SignInOutcome.Frozen, "This account is frozen. Contact the index administrators.");
        }
        await devices.RememberAsync(account.Id, deviceCookie, actor.IpAddress, actor.UserAgent, ct);
        return await StartAsync(account, actor, "e-mailed sign-in link", ct);
    }
}
