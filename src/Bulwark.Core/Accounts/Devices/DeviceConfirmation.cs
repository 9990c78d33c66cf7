using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Tokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Email;

using Bulwark.Core.Outcomes;

namespace Bulwark.Core.Accounts.Devices;

/// <summary>
/// New-device handling after a relayable sign-in (TOTP or recovery code from an unknown browser): the owner
/// is e-mailed with a confirmation link bound to that session and a "this was not me" link; the session
/// stays unable to do sensitive actions until it is confirmed.
/// </summary>
/// <remarks>
/// Why this matters: a phishing relay passes the password and the current TOTP code to the real site and keeps
/// the session cookie for itself. The relay never has the victim's device cookie for this site, so its session
/// is always "new device", and it can confirm only with the owner's security key (which signs for the real
/// origin only) or with the e-mailed link opened in the relay's own session (the link is bound to the session,
/// and the owner opens it in their own browser, whose session is a different one).
/// </remarks>
public sealed class DeviceConfirmation(
    BulwarkDbContext db,
    AccountTokenService tokens,
    SessionService sessions,
    KnownDevices devices,
    AuditLog audit,
    IEmailSender mail,
    AccountLinks links,
    TimeProvider time)
{
    public const string WrongSessionMessage =
        "This link confirms a sign-in made in another browser. Open it in the browser you signed in with (the one that asked for confirmation).";

    /// <summary>Audits a sign-in from an unknown browser and e-mails the owner both links.</summary>
    public async Task NewDeviceSignInAsync(UserSession session, Actor actor, CancellationToken ct = default)
    {
        var user = session.User;
        var confirm = await tokens.IssueAsync(user, AccountTokenPurpose.ConfirmDevice, null, ct, sessionId: session.Id);
        // Not superseding: the owner must be able to use the link of the first suspicious mail after a second one.
        var report = await tokens.IssueAsync(user, AccountTokenPurpose.ReportSignIn, null, ct, supersede: false);
        audit.Record(AuditEventType.NewDeviceSignIn, actor with { UserId = user.Id }, user.Id,
            details: new DeviceAuditDetails(session.Id, Method: session.AuthMethod.ToString()));
        await db.SaveChangesAsync(ct);
        await mail.SendAsync(SecurityEmails.NewDeviceSignIn(user.Email, user.Username, time.GetUtcNow(), actor.IpAddress, actor.UserAgent,
            session.AuthMethod, links.ConfirmDevice(confirm.Secret), confirm.ValidFor, links.ReportSignIn(report.Secret)), ct);
    }

    /// <summary>Sends a fresh confirmation link for this session (the first mail was lost or expired).</summary>
    public async Task<Outcome<string>> SendLinkAsync(UserSession session, Actor actor, CancellationToken ct = default)
    {
        if (!session.AwaitsDeviceConfirmation) return Outcome.Ok("This browser is already confirmed.");
        var user = session.User;
        var confirm = await tokens.IssueAsync(user, AccountTokenPurpose.ConfirmDevice, null, ct, sessionId: session.Id);
        audit.Record(AuditEventType.DeviceConfirmationSent, actor with { UserId = user.Id }, user.Id,
            details: new DeviceAuditDetails(session.Id));
        await db.SaveChangesAsync(ct);
        await mail.SendAsync(SecurityEmails.DeviceConfirmationLink(user.Email, user.Username, time.GetUtcNow(), actor.IpAddress, actor.UserAgent,
            links.ConfirmDevice(confirm.Secret), confirm.ValidFor), ct);
        return Outcome.Ok($"We sent a confirmation link to {user.Email}. Open it in this browser.");
    }

    /// <summary>
    /// Confirms the session's device with an e-mailed link. The link must be opened in the session it was
    /// issued for; anywhere else it is refused without being used up, so the rightful browser can still use it.
    /// </summary>
    public async Task<Outcome<string>> ConfirmWithLinkAsync(string? secret, UserSession? session, string? deviceCookie, Actor actor, CancellationToken ct = default)
    {
        var peek = await tokens.PeekAsync(secret, AccountTokenPurpose.ConfirmDevice, ct);
        if (!peek.Succeeded) return await LinkRejectedAsync(peek, actor, ct);
        var token = peek.Token!;
        if (session is null || token.SessionId != session.Id || token.UserId != session.UserId)
        {
            audit.Record(AuditEventType.AccountLinkRejected, actor with { UserId = session?.UserId }, token.UserId,
                details: new LinkRejectedDetails(token.Purpose.ToString(), "other session", session?.Id));
            await db.SaveChangesAsync(ct);
            return Refusal.Forbidden(WrongSessionMessage);
        }
        var redemption = await tokens.RedeemAsync(secret, AccountTokenPurpose.ConfirmDevice, ct);
        if (!redemption.Succeeded) return await LinkRejectedAsync(redemption, actor, ct);
        await ConfirmAsync(session, deviceCookie, "e-mailed link", actor, ct);
        return Outcome.Ok("This browser is confirmed. You can now use every part of your account from it.");
    }

    /// <summary>Marks the session's device confirmed and remembers the browser (after a WebAuthn sign-in or step-up, or the link).</summary>
    public async Task ConfirmAsync(UserSession session, string? deviceCookie, string how, Actor actor, CancellationToken ct = default)
    {
        if (!session.DeviceConfirmed)
        {
            audit.Record(AuditEventType.DeviceConfirmed, actor with { UserId = session.UserId }, session.UserId,
                details: new DeviceAuditDetails(session.Id, How: how));
            await sessions.ConfirmDeviceAsync(session, ct);
            await tokens.InvalidateOutstandingAsync(session.UserId, AccountTokenPurpose.ConfirmDevice, ct);
        }
        await devices.RememberAsync(session.UserId, deviceCookie, actor.IpAddress, actor.UserAgent, ct);
    }

    /// <summary>
    /// "This was not me": freezes the account, ends every session and forgets every known browser. Anyone
    /// holding the mail can do this, which is the point: it only ever locks the account down. Recovery is by
    /// the index administrators.
    /// </summary>
    public async Task<Outcome<string>> ReportNotMeAsync(string? secret, Actor actor, CancellationToken ct = default)
    {
        var redemption = await tokens.RedeemAsync(secret, AccountTokenPurpose.ReportSignIn, ct);
        if (!redemption.Succeeded) return await LinkRejectedAsync(redemption, actor, ct);
        var user = redemption.Token!.User;
        var now = time.GetUtcNow();
        user.IsFrozen = true;
        audit.Record(AuditEventType.AccountFrozenByOwner, actor with { UserId = null }, user.Id,
            details: new AccountFrozenDetails("owner reported a sign-in as not theirs"));
        await db.SaveChangesAsync(ct);
        await sessions.RevokeAllAsync(user.Id, SessionEndReason.AccountFrozen, actor with { UserId = null }, ct);
        await devices.ForgetAllAsync(user.Id, ct);
        await tokens.InvalidateOutstandingAsync(user.Id, AccountTokenPurpose.ConfirmDevice, ct);
        await mail.SendAsync(SecurityEmails.AccountFrozen(user.Email, user.Username, now, actor.IpAddress), ct);
        return Outcome.Ok("Your account is frozen and every session was signed out. Contact the index administrators to recover it.");
    }

    private async Task<Outcome<string>> LinkRejectedAsync(AccountTokenRedemption redemption, Actor actor, CancellationToken ct)
    {
        if (redemption.Token is { } t)
        {
            audit.Record(AuditEventType.AccountLinkRejected, actor with { UserId = null }, t.UserId,
                details: new LinkRejectedDetails(t.Purpose.ToString(), redemption.Result.ToString()));
            await db.SaveChangesAsync(ct);
        }
        return Refusal.LinkRejected(redemption.Message);
    }
}

/// <summary>A device event of a session: a new device signed in, a confirmation was sent, or it was confirmed (and how).</summary>
public sealed record DeviceAuditDetails(long Session, string? Method = null, string? How = null) : IAuditDetails;

/// <summary>Why an account was frozen (<see cref="AuditEventType.AccountFrozenByOwner"/>).</summary>
public sealed record AccountFrozenDetails(string Reason) : IAuditDetails;
