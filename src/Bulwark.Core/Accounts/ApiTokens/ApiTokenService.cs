using System.Security.Cryptography;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Accounts.ApiTokens;

public sealed record CreatedToken(string Token, ApiToken Entity);

public enum TokenCheck
{
    Valid,
    /// <summary>Not one of ours, unknown id, or wrong secret: callers must not say which.</summary>
    Invalid,
    Expired,
    Revoked,
    UserFrozen,
}

public sealed record TokenAuthentication(TokenCheck Result, ApiToken? Token)
{
    public User? User => Token?.User;

    public string Message => Result switch
    {
        TokenCheck.Valid => "",
        TokenCheck.Expired => $"Invalid API Token: the token expired at {Token!.ExpiresAt:yyyy-MM-dd HH:mm:ss} UTC. Create a new token.",
        TokenCheck.Revoked => "Invalid API Token: the token has been revoked. Create a new token.",
        TokenCheck.UserFrozen => "Invalid API Token: the account that owns this token is frozen. Contact the index administrators to have it restored.",
        _ => "Invalid API Token: the token is not recognised. Check that it was copied whole, and that it has not been deleted.",
    };
}

/// <summary>Creates, checks and revokes API tokens.</summary>
public sealed class ApiTokenService(BulwarkDbContext db, AuditLog audit, TimeProvider time)
{
    public async Task<CreatedToken> CreateAsync(User user, string name, IReadOnlyCollection<string> projectScopes, DateTimeOffset? expiresAt, Actor actor, CancellationToken ct = default, bool issuedPhishingResistant = false)
    {
        var (token, id, hash) = ApiTokenFormat.Create();
        var entity = new ApiToken
        {
            Id = id,
            UserId = user.Id,
            User = user,
            Name = name,
            SecretHash = hash,
            CreatedAt = time.GetUtcNow(),
            ExpiresAt = expiresAt?.ToUniversalTime(),
            ProjectScopes = projectScopes.Select(ProjectName.Normalize).Distinct().Order(StringComparer.Ordinal).ToList(),
            IssuedPhishingResistant = issuedPhishingResistant,
        };
        db.ApiTokens.Add(entity);
        audit.Record(AuditEventType.TokenCreated, actor with { TokenId = id }, user.Id,
            details: new TokenCreatedDetails(name, entity.ProjectScopes, entity.ExpiresAt));
        await db.SaveChangesAsync(ct);
        return new CreatedToken(token, entity);
    }

    public async Task<TokenAuthentication> AuthenticateAsync(string presented, CancellationToken ct = default)
    {
        if (!ApiTokenFormat.TryParse(presented, out var id, out var secretHash))
        {
            return new(TokenCheck.Invalid, null);
        }
        var token = await db.ApiTokens.Include(t => t.User).FirstOrDefaultAsync(t => t.Id == id, ct);
        // Constant-time comparison so response timing reveals nothing about how much of a guess matched.
        if (token is null || !CryptographicOperations.FixedTimeEquals(token.SecretHash, secretHash))
        {
            return new(TokenCheck.Invalid, null);
        }
        if (token.RevokedAt is not null) return new(TokenCheck.Revoked, token);
        if (token.ExpiresAt is { } exp && exp <= time.GetUtcNow()) return new(TokenCheck.Expired, token);
        if (token.User.IsFrozen) return new(TokenCheck.UserFrozen, token);
        return new(TokenCheck.Valid, token);
    }

    public async Task MarkUsedAsync(ApiToken token, CancellationToken ct = default)
    {
        token.LastUsedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Commits pending changes (for example an audit event about a rejected token).</summary>
    public Task SaveAsync(CancellationToken ct = default) => db.SaveChangesAsync(ct);

    public async Task<bool> RevokeAsync(ApiToken token, Actor actor, CancellationToken ct = default)
    {
        if (token.RevokedAt is not null) return false;
        token.RevokedAt = time.GetUtcNow();
        audit.Record(AuditEventType.TokenRevoked, actor with { TokenId = token.Id }, token.UserId);
        await db.SaveChangesAsync(ct);
        return true;
    }
}

/// <summary>A new API token (<see cref="AuditEventType.TokenCreated"/>): its name, project scopes (empty: user-wide) and expiry.</summary>
public sealed record TokenCreatedDetails(string Name, IReadOnlyList<string> Scopes, DateTimeOffset? Expires) : IAuditDetails;
