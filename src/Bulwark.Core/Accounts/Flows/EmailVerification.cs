using Bulwark.Core.Accounts.Tokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Email;

using Bulwark.Core.Outcomes;

namespace Bulwark.Core.Accounts.Flows;

/// <summary>Sends and redeems the link that proves the owner reads the account's address.</summary>
public sealed class EmailVerification(BulwarkDbContext db, AccountTokenService tokens, AuditLog audit, IEmailSender mail, AccountLinks links)
{
    /// <summary>Sends a fresh link (the older ones stop working). Signed-in users only, so nothing is enumerated.</summary>
    public async Task<Outcome<string>> SendAsync(User user, Actor actor, CancellationToken ct = default)
    {
        if (user.EmailVerified) return Outcome.Ok("Your e-mail address is already verified.");
        var issued = await tokens.IssueAsync(user, AccountTokenPurpose.VerifyEmail, user.Email, ct);
        audit.Record(AuditEventType.EmailVerificationSent, actor with { UserId = user.Id }, user.Id);
        await db.SaveChangesAsync(ct);
        await mail.SendAsync(AccountEmails.VerifyEmail(user.Email, user.Username, links.VerifyEmail(issued.Secret), issued.ValidFor), ct);
        return Outcome.Ok($"We sent a new verification link to {user.Email}.");
    }

    public async Task<Outcome<string>> VerifyAsync(string? token, Actor actor, CancellationToken ct = default)
    {
        var redemption = await tokens.RedeemAsync(token, AccountTokenPurpose.VerifyEmail, ct);
        if (!redemption.Succeeded)
        {
            return await LinkRejection.RecordAsync(db, audit, redemption, actor, ct);
        }
        var user = redemption.Token!.User;
        // The link proves control of the address it was sent to; if the account's address changed since,
        // it proves nothing about the current one.
        if (!string.Equals(redemption.Token.Email, user.Email, StringComparison.OrdinalIgnoreCase))
        {
            return Refusal.LinkRejected(new AccountTokenRedemption(AccountTokenCheck.Superseded, null).Message);
        }
        user.EmailVerified = true;
        audit.Record(AuditEventType.EmailVerified, actor with { UserId = user.Id }, user.Id,
            details: new EmailVerifiedDetails(user.Email));
        await db.SaveChangesAsync(ct);
        return Outcome.Ok("Your e-mail address is verified.");
    }
}
