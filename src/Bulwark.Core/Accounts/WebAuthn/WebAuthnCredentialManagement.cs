using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Accounts.WebAuthn;

/// <summary>One row of the "security keys and passkeys" list on the settings page.</summary>
public sealed record WebAuthnCredentialSummary(
    long Id,
    string Name,
    SecondFactorMethod Method,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt,
    bool BackedUp,
    DateTimeOffset? FlaggedAsPossibleCloneAt);

/// <summary>Lists and renames a user's WebAuthn credentials (removal is <see cref="FactorRemoval"/>).</summary>
public sealed class WebAuthnCredentialManagement(BulwarkDbContext db, AuditLog audit)
{
    public async Task<IReadOnlyList<WebAuthnCredentialSummary>> ListAsync(long userId, CancellationToken ct = default)
    {
        var rows = await db.WebAuthnCredentials.AsNoTracking().Where(c => c.UserId == userId).OrderBy(c => c.Id).ToListAsync(ct);
        return rows.Select(c => new WebAuthnCredentialSummary(c.Id, c.Name, WebAuthnAssertion.MethodOf(c), c.CreatedAt, c.LastUsedAt, c.BackedUp, c.FlaggedAsPossibleCloneAt)).ToList();
    }

    public async Task<bool> RenameAsync(User user, long credentialRowId, string name, Actor actor, CancellationToken ct = default)
    {
        var credential = await db.WebAuthnCredentials.FirstOrDefaultAsync(c => c.Id == credentialRowId && c.UserId == user.Id, ct);
        if (credential is null) return false;
        var cleaned = WebAuthnRegistration.CleanName(name, WebAuthnAssertion.MethodOf(credential) == SecondFactorMethod.Passkey);
        if (cleaned == credential.Name) return true;
        credential.Name = cleaned;
        audit.Record(AuditEventType.WebAuthnCredentialRenamed, actor, user.Id,
            details: FactorAuditDetails.Of(WebAuthnAssertion.MethodOf(credential), FactorAuditDetails.CredentialId(credential.CredentialId), cleaned));
        await db.SaveChangesAsync(ct);
        return true;
    }
}
