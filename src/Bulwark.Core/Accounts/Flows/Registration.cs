using Bulwark.Core.Accounts.Passwords;
using Bulwark.Core.Accounts.Throttling;
using Bulwark.Core.Accounts.Tokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Email;

using Bulwark.Core.Outcomes;

namespace Bulwark.Core.Accounts.Flows;

/// <summary>
/// Self-service sign-up. Usernames are public, so a taken one is an ordinary form error; e-mail addresses
/// are not, so signing up with a registered address looks exactly like a successful sign-up to the person
/// at the form, while the address's owner is told by e-mail. Registration never signs anyone in: that
/// too would tell the two cases apart.
/// </summary>
public sealed class Registration(
    BulwarkDbContext db,
    UserService users,
    PasswordPolicy policy,
    PasswordHasher hasher,
    AccountTokenService tokens,
    AuditLog audit,
    IEmailSender mail,
    AccountLinks links,
    AuthThrottle throttle,
    PasswordCheckGate gate)
{
    public const string AcceptedMessage =
        "Thank you. We sent a message to the address you gave: open the link in it to verify your address, then sign in.";

    public async Task<Outcome<string>> RegisterAsync(string username, string email, string password, Actor actor, CancellationToken ct = default)
    {
        username = username.Trim();
        email = email.Trim();
        if (!UserService.IsValidUsername(username))
        {
            return Refusal.Invalid(field: "username", message:
                "Usernames can only contain letters, numbers, periods, hyphens and underscores, must start and end with a letter or number, and be at most 50 characters.");
        }
        if (!UserService.IsValidEmail(email))
        {
            return Refusal.Invalid(field: "email", message: "Enter a valid e-mail address.");
        }
        if (policy.Check(password, new PasswordContext(username, email)) is { IsAcceptable: false } verdict)
        {
            return Refusal.Invalid(field: "password", message: verdict.Message!);
        }
        if (await users.FindByUsernameAsync(username, ct) is not null)
        {
            return Refusal.Invalid(field: "username", message: $"The username '{username}' is already taken.");
        }

        // Everything below hashes the password and sends a mail. Why both bounds: the per-network count stops one
        // network from registering (and mailing) without end, and the hashing budget shared with sign-in stops
        // many networks at once from filling the memory with Argon2 work (each derivation holds about 64 MiB),
        // which took the server down before. A sign-up that finds no free slot within the wait is refused with
        // a Retry-After rather than queued without bound.
        var allowed = await throttle.CheckRegistrationAsync(actor.IpAddress, ct);
        if (!allowed.Allowed) return Refusal.Throttled(TimeSpan.FromSeconds(allowed.RetryAfterSeconds));
        await throttle.RecordRegistrationAsync(actor.IpAddress, ct);
        using var slot = await gate.EnterAsync(PasswordCheckLane.Proven, ct);
        if (slot is null) return Refusal.Throttled("The server is busy signing people up; try again in a few seconds.", PasswordCheckGate.WaitLimit);

        var owners = await users.FindByEmailAsync(email, ct);
        if (owners.Count > 0)
        {
            // Pay for the hash the other branch pays for, so the answer takes as long either way.
            _ = hasher.Hash(password);
            foreach (var owner in owners)
            {
                audit.Record(AuditEventType.RegistrationAttemptWithExistingEmail, actor with { UserId = null }, owner.Id,
                    details: new RegistrationAttemptDetails(username));
            }
            await db.SaveChangesAsync(ct);
            foreach (var owner in owners)
            {
                await mail.SendAsync(AccountEmails.RegistrationAttempt(owner.Email, owner.Username, links.SignIn(), links.ForgotPassword()), ct);
            }
            return Outcome.Ok(AcceptedMessage);
        }

        var created = await users.CreateAsync(username, email, password, isAdmin: false, emailVerified: false, actor, ct, AuditEventType.UserRegistered);
        if (!created.TryGetValue(out var user, out var refused))
        {
            // Only a concurrent sign-up for the same name gets here; the other checks ran above.
            return Refusal.Invalid(refused.Message, refused.Field ?? "email");
        }
        var issued = await tokens.IssueAsync(user, AccountTokenPurpose.VerifyEmail, user.Email, ct);
        audit.Record(AuditEventType.EmailVerificationSent, actor with { UserId = user.Id }, user.Id);
        await db.SaveChangesAsync(ct);
        await mail.SendAsync(AccountEmails.VerifyEmail(user.Email, user.Username, links.VerifyEmail(issued.Secret), issued.ValidFor), ct);
        return Outcome.Ok(AcceptedMessage);
    }
}
