using Bulwark.Core.Accounts.Devices;
using Bulwark.Core.Accounts.Throttling;
using Bulwark.Core.Accounts.Tokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Email;

using Bulwark.Core.Outcomes;

namespace Bulwark.Core.Accounts.Flows;

/// <summary>
/// "Forgot password": sends a reset link to the address of the account named by username or e-mail.
/// The answer is the same whether or not such an account exists, and the e-mail goes out through the
/// queue, so neither the words nor the timing tell.
/// </summary>
public sealed class PasswordResetRequest(
    BulwarkDbContext db,
    UserService users,
    AccountTokenService tokens,
    AuthThrottle throttle,
    AuditLog audit,
    IEmailSender mail,
    AccountLinks links,
    KnownDevices devices)
{
    public const string AnswerMessage =
        "If an account matches what you entered, we sent a password-reset link to its e-mail address. The link is valid for a limited time and works once.";

    /// <param name="deviceCookie">The browser's device cookie, if it sent one: a browser the account knows is not
    /// held to the per-account limit (see <see cref="AuthThrottle.CheckPasswordResetAsync"/>).</param>
    public async Task<Outcome<string>> RequestAsync(string usernameOrEmail, Actor actor, string? deviceCookie = null, CancellationToken ct = default)
    {
        var key = usernameOrEmail.Trim();
        if (key.Length == 0) return Refusal.Invalid(field: "login", message: "Enter your username or e-mail address.");
        var matches = key.Contains('@')
            ? await users.FindByEmailAsync(key, ct)
            : (await users.FindByUsernameAsync(key, ct)) is { } one ? [one] : [];
        // Counted per entered value and per network whether or not the account exists, so the limit itself
        // reveals nothing; it stops the form from being used to flood someone's mailbox. Only a browser that
        // has signed in to a matching account can pass the per-entry limit, which an unknown name never has.
        var knownBrowser = await devices.KnowsAnyAsync(matches, deviceCookie, ct);
        var decision = await throttle.CheckPasswordResetAsync(key, actor.IpAddress, knownBrowser, ct);
        if (!decision.Allowed)
        {
            audit.Record(AuditEventType.PasswordResetThrottled, actor with { UserId = null },
                details: new PasswordResetThrottledDetails(key, decision.Limit));
            await db.SaveChangesAsync(ct);
            return Refusal.Throttled(TimeSpan.FromSeconds(decision.RetryAfterSeconds));
        }
        await throttle.RecordPasswordResetAsync(key, actor.IpAddress, ct);

        // Automation accounts have no password to reset; frozen accounts are restored by administrators.
        var eligible = matches.Where(u => !u.IsAutomation && !u.IsFrozen).ToList();
        var outgoing = new List<EmailMessage>();
        foreach (var user in eligible)
        {
            var issued = await tokens.IssueAsync(user, AccountTokenPurpose.ResetPassword, user.Email, ct);
            audit.Record(AuditEventType.PasswordResetRequested, actor with { UserId = null }, user.Id);
            outgoing.Add(AccountEmails.PasswordReset(user.Email, user.Username, links.ResetPassword(issued.Secret), issued.ValidFor));
        }
        await db.SaveChangesAsync(ct);
        foreach (var message in outgoing) await mail.SendAsync(message, ct);
        return Outcome.Ok(AnswerMessage);
    }
}
