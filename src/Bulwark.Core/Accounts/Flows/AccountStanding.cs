namespace Bulwark.Core.Accounts.Flows;

public sealed record AccountPermission(bool Allowed, string? Message)
{
    public static readonly AccountPermission Granted = new(true, null);
}

/// <summary>
/// What an account may do given its state. The token UI, the token API and the upload endpoint ask
/// here, so the rule and its wording live in one place.
/// </summary>
public static class AccountStanding
{
    /// <summary>
    /// An unverified address may belong to someone else (a typo at sign-up, or a squatter); the account
    /// must not publish anything until its owner proved they read that mailbox, since every security
    /// notice goes there.
    /// </summary>
    public static AccountPermission CanCreateTokens(User user)
    {
        if (user.IsFrozen) return new(false, "This account is frozen. Contact the index administrators.");
        if (!user.EmailVerified)
        {
            return new(false, $"Verify your e-mail address before creating API tokens: open the link we sent to {user.Email}, or ask for a new link on your account page.");
        }
        return AccountPermission.Granted;
    }

    public static AccountPermission CanUpload(User user)
    {
        if (user.IsFrozen) return new(false, "This account is frozen. Contact the index administrators.");
        if (!user.EmailVerified)
        {
            return new(false, $"Verify your e-mail address before uploading: open the link we sent to {user.Email}, or ask for a new link on your account page.");
        }
        return AccountPermission.Granted;
    }
}
