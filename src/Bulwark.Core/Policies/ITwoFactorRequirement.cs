using Bulwark.Core.Accounts;

namespace Bulwark.Core.Policies;

/// <summary>
/// Answers "does any rule require this user to keep a second factor?". The factor settings ask it before
/// removing the last factor; the mandates (critical projects, the site-wide rule) answer it.
/// </summary>
public interface ITwoFactorRequirement
{
    Task<bool> RequiresFactorAsync(User user, CancellationToken ct = default);
}
