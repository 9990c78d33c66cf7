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

/// <summary>
/// A user who maintains a critical project must keep a factor from the moment the project is marked, grace
/// period or not: the grace period delays refusals, it does not license removing protection already there.
/// </summary>
public sealed class CriticalProjectTwoFactorRequirement(CriticalProjectPolicy critical) : ITwoFactorRequirement
{
    public async Task<bool> RequiresFactorAsync(User user, CancellationToken ct = default) =>
        (await critical.ForUserAsync(user.Id, ct)).Any(p => p.IsCritical);
}
