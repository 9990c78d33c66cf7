using Bulwark.Core.Accounts;

namespace Bulwark.Pages.Admin.Users;

/// <summary>
/// The pages about one account (<c>/admin/users/{name}</c> and its activity review). Every step that changes the
/// account also needs a recent authentication (<see cref="Auth.RequireRecentAuthenticationAttribute"/>) and the
/// user name typed, as the destructive report verdicts do: the admin session is already phishing-resistant
/// (<see cref="AdminPageModel"/>), and the typed name keeps a slip of the mouse or a page left open on the wrong
/// account from freezing or stripping the wrong person.
/// </summary>
public abstract class AdminUserPageModel(UserService users) : AdminPageModel
{
    /// <summary>The account the page is about; set by <see cref="LoadAsync"/>.</summary>
    public User Account { get; private set; } = null!;

    /// <summary>Finds the account named in the route; false when there is none (the page answers 404).</summary>
    protected async Task<bool> LoadAsync(string name, CancellationToken ct)
    {
        if (await users.FindByUsernameAsync(name.Trim(), ct) is not { } user) return false;
        Account = user;
        return true;
    }

    /// <summary>True when the typed name is the account's (case does not matter: usernames are unique without it).</summary>
    protected bool Confirmed(string? typed)
    {
        if (!string.IsNullOrWhiteSpace(typed) && string.Equals(typed.Trim(), Account.Username, StringComparison.OrdinalIgnoreCase)) return true;
        Flash($"Type the user name “{Account.Username}” to confirm.", error: true);
        return false;
    }
}
