using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Accounts.Tokens;

/// <summary>The secret goes into the e-mailed link; it is returned once and never stored.</summary>
public sealed record IssuedAccountToken(string Secret, AccountToken Token, TimeSpan ValidFor);

public enum AccountTokenCheck
{
    Valid,
    /// <summary>Unknown, malformed, or issued for another purpose: callers must not say which.</summary>
    Invalid,
    Expired,
    Used,
    /// <summary>A newer link, a password change or an e-mail change made this one worthless.</summary>
    Superseded,
}

public sealed record AccountTokenRedemption(AccountTokenCheck Result, AccountToken? Token)
{
    public bool Succeeded => Result == AccountTokenCheck.Valid;

    public string Message => Result switch
    {
        AccountTokenCheck.Valid => "",
        AccountTokenCheck.Expired => "This link has expired. Ask for a new one.",
        AccountTokenCheck.Used => "This link has already been used. Ask for a new one if you still need it.",
        AccountTokenCheck.Superseded => "This link is no longer valid because a newer link was sent or the account changed since. Use the newest link or ask for a new one.",
        _ => "This link is not valid. Check that it was copied whole, or ask for a new one.",
    };
}

/// <summary>
/// Issues and redeems one-time e-mail links. One live link per user and purpose: issuing a new one
/// supersedes the older ones, so only the latest mail can be used.
/// </summary>
public sealed class AccountTokenService(BulwarkDbContext db, AccountLinkOptions options, TimeProvider time)
{
    public TimeSpan LifetimeOf(AccountTokenPurpose purpose) => purpose switch
    {
        AccountTokenPurpose.VerifyEmail => options.VerifyEmailLifetime,
        AccountTokenPurpose.ResetPassword => options.ResetPasswordLifetime,
        AccountTokenPurpose.ChangeEmail => options.ChangeEmailLifetime,
        AccountTokenPurpose.ConfirmDevice => options.ConfirmDeviceLifetime,
        AccountTokenPurpose.ReportSignIn => options.ReportSignInLifetime,
        AccountTokenPurpose.ContinueSignIn => options.ContinueSignInLifetime,
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };

    /// <summary>Creates a link for <paramref name="user"/> and supersedes its older ones; the caller saves.</summary>
    /// <param name="supersede">False keeps older links of the purpose alive (a "this was not me" link must keep
    /// working when a second suspicious sign-in follows the first).</param>
    /// <param name="sessionId">Binds the link to one session (device confirmation).</param>
    /// <param name="binding">Binds the link to a browser secret (its device cookie): only the hash of link and
    /// binding together is stored, so the link is found only when presented with the same binding. Nothing
    /// in the table then says which browser it belongs to, and a forwarded or scanned link matches nothing.</param>
    public async Task<IssuedAccountToken> IssueAsync(User user, AccountTokenPurpose purpose, string? email, CancellationToken ct = default,
        bool supersede = true, long? sessionId = null, string? binding = null)
    {
        if (supersede) await InvalidateOutstandingAsync(user.Id, purpose, ct);
        var (secret, hash) = OpaqueSecret.Create();
        if (binding is not null) hash = Bound(hash, binding) ?? throw new ArgumentException("The binding must be a secret of ours.", nameof(binding));
        var now = time.GetUtcNow();
        var lifetime = LifetimeOf(purpose);
        var token = new AccountToken
        {
            Purpose = purpose,
            UserId = user.Id,
            User = user,
            SecretHash = hash,
            Email = email,
            SessionId = sessionId,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        db.AccountTokens.Add(token);
        return new IssuedAccountToken(secret, token, lifetime);
    }

    /// <summary>Checks a link without using it up (to decide whether to show the form behind it).</summary>
    public async Task<AccountTokenRedemption> PeekAsync(string? secret, AccountTokenPurpose purpose, CancellationToken ct = default)
    {
        var token = await FindAsync(secret, purpose, null, ct);
        return new(Judge(token), token);
    }

    /// <summary>
    /// Uses a link up. The "not yet used" condition is part of the UPDATE, so two concurrent requests
    /// with the same link cannot both succeed; run inside the caller's transaction to tie the use to the
    /// change it authorizes.
    /// </summary>
    /// <param name="binding">The browser secret the link was issued with, if any (see <see cref="IssueAsync"/>).</param>
    public async Task<AccountTokenRedemption> RedeemAsync(string? secret, AccountTokenPurpose purpose, CancellationToken ct = default, string? binding = null)
    {
        var token = await FindAsync(secret, purpose, binding, ct);
        var check = Judge(token);
        if (check != AccountTokenCheck.Valid) return new(check, token);
        var now = time.GetUtcNow();
        var claimed = await db.AccountTokens
            .Where(t => t.Id == token!.Id && t.UsedAt == null && t.InvalidatedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.UsedAt, now), ct);
        if (claimed != 1)
        {
            // Used or invalidated since it was read (by a concurrent request, or by a bulk update that
            // bypassed this context's copy): re-read to tell which.
            await db.Entry(token!).ReloadAsync(ct);
            var current = Judge(token);
            return new(current == AccountTokenCheck.Valid ? AccountTokenCheck.Used : current, token);
        }
        token!.UsedAt = now;
        db.Entry(token).Property(t => t.UsedAt).IsModified = false;
        return new(AccountTokenCheck.Valid, token);
    }

    /// <summary>Makes every unused link of this purpose worthless (for example reset links after a password change).</summary>
    public Task<int> InvalidateOutstandingAsync(long userId, AccountTokenPurpose purpose, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        return db.AccountTokens
            .Where(t => t.UserId == userId && t.Purpose == purpose && t.UsedAt == null && t.InvalidatedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.InvalidatedAt, now), ct);
    }

    /// <summary>
    /// Deletes links that expired longer than the retention ago (used or not). Run by the housekeeping service;
    /// redemption checks the expiry itself, so an expired link left between sweeps is still refused.
    /// </summary>
    public Task<int> PruneAsync(CancellationToken ct = default)
    {
        var cutoff = time.GetUtcNow() - Housekeeping.Retention;
        return db.AccountTokens.Where(t => t.ExpiresAt < cutoff).ExecuteDeleteAsync(ct);
    }

    private async Task<AccountToken?> FindAsync(string? secret, AccountTokenPurpose purpose, string? binding, CancellationToken ct)
    {
        if (OpaqueSecret.Hash(secret) is not { } hash) return null;
        if (binding is not null)
        {
            if (Bound(hash, binding) is not { } bound) return null;
            hash = bound;
        }
        var token = await db.AccountTokens.Include(t => t.User).FirstOrDefaultAsync(t => t.SecretHash == hash, ct);
        // A reset link must not verify an e-mail and the other way round: the purpose is part of the check.
        return token?.Purpose == purpose ? token : null;
    }

    /// <summary>SHA-256 over the link's hash and the binding's hash; null when the binding is not one of our secrets.</summary>
    private static byte[]? Bound(byte[] secretHash, string binding) =>
        OpaqueSecret.Hash(binding) is { } other ? System.Security.Cryptography.SHA256.HashData([.. secretHash, .. other]) : null;

    private AccountTokenCheck Judge(AccountToken? token)
    {
        if (token is null) return AccountTokenCheck.Invalid;
        if (token.UsedAt is not null) return AccountTokenCheck.Used;
        if (token.InvalidatedAt is not null) return AccountTokenCheck.Superseded;
        if (token.ExpiresAt <= time.GetUtcNow()) return AccountTokenCheck.Expired;
        return AccountTokenCheck.Valid;
    }
}
