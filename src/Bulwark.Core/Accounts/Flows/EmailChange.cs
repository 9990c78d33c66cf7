using Bulwark.Core.Accounts.Tokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Email;

using Bulwark.Core.Outcomes;

namespace Bulwark.Core.Accounts.Flows;

/// <summary>
/// Changes the account's address in two steps: a link to the new address proves it is the user's, and
/// only then is it switched; the old address is told afterwards, so a hijacker cannot quietly redirect
/// the account's security mail.
/// </summary>
public sealed class EmailChange(
    BulwarkDbContext db,
    UserService users,
    AccountTokenService tokens,
    AuditLog audit,
    IEmailSender mail,
    AccountLinks links,
    TimeProvider time)
{
    public const string RequestedMessage =
        "We sent a confirmation link to the new address. Your address changes when you open it; until then the current one stays.";

    /// <summary>Callers require a fresh session ("sudo") first; see <see cref="Sessions.SessionService.IsFresh"/>.</summary>
    public async Task<Outcome<string>> RequestAsync(User user, string newEmail, Actor actor, CancellationToken ct = default)
    {
        newEmail = newEmail.Trim();
        if (!UserService.IsValidEmail(newEmail)) return Refusal.Invalid(field: "email", message: "Enter a valid e-mail address.");
        if (string.Equals(newEmail, user.Email, StringComparison.OrdinalIgnoreCase))
        {
            return Refusal.Invalid(field: "email", message: "This is already your e-mail address.");
        }
        var taken = (await users.FindByEmailAsync(newEmail, ct)).Count > 0;
        audit.Record(AuditEventType.EmailChangeRequested, actor with { UserId = user.Id }, user.Id,
            details: new EmailChangeDetails(null, newEmail));
        if (taken)
        {
            // Same answer as success, so the form does not reveal which addresses have accounts; the
            // address's owner learns of the attempt instead.
            await db.SaveChangesAsync(ct);
            await mail.SendAsync(AccountEmails.EmailChangeAttempt(newEmail), ct);
            return Outcome.Ok(RequestedMessage);
        }
        var issued = await tokens.IssueAsync(user, AccountTokenPurpose.ChangeEmail, newEmail, ct);
        await db.SaveChangesAsync(ct);
        await mail.SendAsync(AccountEmails.VerifyNewEmail(newEmail, user.Username, links.ConfirmEmailChange(issued.Secret), issued.ValidFor), ct);
        return Outcome.Ok(RequestedMessage);
    }

    public async Task<Outcome<string>> ConfirmAsync(string? token, Actor actor, CancellationToken ct = default)
    {
        var redemption = await tokens.RedeemAsync(token, AccountTokenPurpose.ChangeEmail, ct);
        if (!redemption.Succeeded) return await LinkRejection.RecordAsync(db, audit, redemption, actor, ct);
        var user = redemption.Token!.User;
        var newEmail = redemption.Token.Email!;
        if (user.IsFrozen) return Refusal.Forbidden("This account is frozen. Contact the index administrators.");
        if ((await users.FindByEmailAsync(newEmail, ct)).Any(u => u.Id != user.Id))
        {
            // Someone registered the address between request and confirmation.
            return Refusal.LinkRejected("This address is no longer available. Choose another one.");
        }
        var oldEmail = user.Email;
        var now = time.GetUtcNow();
        user.Email = newEmail;
        user.EmailVerified = true;
        audit.Record(AuditEventType.EmailChanged, actor with { UserId = user.Id }, user.Id,
            details: new EmailChangeDetails(oldEmail, newEmail));
        await db.SaveChangesAsync(ct);
        // Links mailed to the old address (verification, reset) no longer belong to the account's mailbox.
        await tokens.InvalidateOutstandingAsync(user.Id, AccountTokenPurpose.VerifyEmail, ct);
        await tokens.InvalidateOutstandingAsync(user.Id, AccountTokenPurpose.ResetPassword, ct);
        await mail.SendAsync(AccountEmails.EmailChanged(oldEmail, user.Username, newEmail, now, actor.IpAddress), ct);
        return Outcome.Ok($"Your e-mail address is now {newEmail}.");
    }
}
