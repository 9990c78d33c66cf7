using System.Net.Mail;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Bulwark.Core.Accounts.Passwords;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Outcomes;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Accounts;

/// <summary>Creates accounts. Web sign-up (with e-mail verification) builds on this.</summary>
public sealed partial class UserService(BulwarkDbContext db, AuditLog audit, PasswordHasher hasher, PasswordPolicy policy, TimeProvider time)
{
    public const int MinPasswordLength = PasswordPolicy.MinLength;

    /// <param name="createdEvent">UserCreated for the operator's command line, UserRegistered for self-service sign-up.</param>
    public async Task<Outcome<User>> CreateAsync(string username, string email, string? password, bool isAdmin, bool emailVerified, Actor actor, CancellationToken ct = default,
        AuditEventType createdEvent = AuditEventType.UserCreated)
    {
        if (!IsValidUsername(username))
        {
            return Refusal.Invalid(
                "The username is invalid. Usernames can only contain letters, numbers, periods, hyphens and underscores, must start and end with a letter or number, and be at most 50 characters.", "username");
        }
        if (!IsValidEmail(email))
        {
            return Refusal.Invalid($"'{email}' is not a valid e-mail address.", "email");
        }
        if (password is not null && policy.Check(password, new PasswordContext(username, email)) is { IsAcceptable: false } verdict)
        {
            return Refusal.Invalid(verdict.Message!, "password");
        }
        var normalized = username.ToLowerInvariant();
        if (await db.Users.AnyAsync(u => u.NormalizedUsername == normalized, ct))
        {
            return UsernameTaken(username);
        }

        var user = new User
        {
            Username = username,
            NormalizedUsername = normalized,
            Email = email.Trim(),
            EmailVerified = emailVerified,
            PasswordHash = password is null ? null : hasher.Hash(password),
            PasswordChangedAt = password is null ? null : time.GetUtcNow(),
            IsAdmin = isAdmin,
            CreatedAt = time.GetUtcNow(),
            WebAuthnUserHandle = RandomNumberGenerator.GetBytes(64),
        };
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Lost a race with a concurrent sign-up for the same name: the unique index decided.
            db.Entry(user).State = EntityState.Detached;
            if (await db.Users.AsNoTracking().AnyAsync(u => u.NormalizedUsername == normalized, ct))
            {
                return UsernameTaken(username);
            }
            throw;
        }
        audit.Record(createdEvent, actor, user.Id, details: isAdmin ? new UserCreatedDetails(Admin: true) : null);
        await db.SaveChangesAsync(ct);
        return user;
    }

    public Task<User?> FindByUsernameAsync(string username, CancellationToken ct = default)
    {
        var normalized = username.ToLowerInvariant();
        return db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == normalized, ct);
    }

    public static bool IsValidUsername(string username) => username.Length <= 50 && UsernamePattern().IsMatch(username);

    public static bool IsValidEmail(string email)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > 254) return false;
        return MailAddress.TryCreate(email.Trim(), out var parsed) && parsed.Address == email.Trim() && parsed.Host.Contains('.');
    }

    /// <summary>The full password policy without account context; null when the password is acceptable.</summary>
    public static string? PasswordProblem(string password) => new PasswordPolicy().Check(password).Message;

    /// <summary>Every account using <paramref name="email"/>, compared case-insensitively.</summary>
    public Task<List<User>> FindByEmailAsync(string email, CancellationToken ct = default)
    {
        var normalized = email.Trim().ToLowerInvariant();
        return db.Users.Where(u => u.Email.ToLower() == normalized).ToListAsync(ct);
    }

    private static Refusal UsernameTaken(string username) => new(RefusalKind.Conflict, $"The username '{username}' is already taken.", "username");

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?\\z")]
    private static partial Regex UsernamePattern();
}

/// <summary>An account created as an administrator (<see cref="AuditEventType.UserCreated"/>).</summary>
public sealed record UserCreatedDetails(bool Admin) : IAuditDetails;
