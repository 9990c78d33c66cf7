using System.Security.Cryptography;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Email;
using Bulwark.Core.Packaging;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.TokenLeaks;

/// <summary>One record of a report: the matched string, the scanner's type name, and where it was found.</summary>
public sealed record LeakRecord(string Token, string Type, string Url, string? Source);

/// <summary>
/// Revokes tokens found in public, at once and in the request that reports them (a leaked token is usable by
/// anyone who saw it, so it must be dead before the report is answered). Each is audited with the URL and the
/// reporter, and the people who must replace it are told: the owner, or for a Trusted Publishing token the owners
/// of the projects it was minted for. Strings that are not a live Bulwark token are ignored without comment, so a
/// report reveals nothing about which tokens exist.
/// </summary>
public sealed class LeakedTokens(BulwarkDbContext db, AuditLog audit, IEmailSender mail, AccountLinks links, TimeProvider time)
{
    /// <summary>Handles a scanner's report (already authenticated by its signature). Returns how many tokens were revoked.</summary>
    public async Task<int> HandleReportAsync(IReadOnlyList<LeakRecord> records, string reporter, Actor actor, CancellationToken ct)
    {
        var revoked = 0;
        foreach (var record in records)
        {
            var token = await FindAsync(record.Token, ct);
            if (token is null || token.RevokedAt is not null) continue;
            await RevokeAsync(token, Clip(record.Url), reporter, actor, notify: true, ct);
            revoked++;
        }
        return revoked;
    }

    /// <summary>The owner says their token leaked (token page): revoked and recorded; they know, so no e-mail.</summary>
    public Task<bool> ReportByOwnerAsync(ApiToken token, string? url, Actor actor, CancellationToken ct) =>
        RevokeAsync(token, Clip(url), "the token's owner", actor, notify: false, ct);

    /// <summary>An operator found the token in public (<c>token revoke --leaked-at URL</c>): revoked, recorded, owner told.</summary>
    public Task<bool> ReportByOperatorAsync(ApiToken token, string url, Actor actor, CancellationToken ct) =>
        RevokeAsync(token, Clip(url), "an index operator", actor, notify: true, ct);

    /// <summary>
    /// The token a presented string is, if it is one of ours. The checksum rejects look-alikes without a query; the
    /// secret is compared in constant time, so a report of a guessed id with a wrong secret revokes nothing.
    /// </summary>
    public async Task<ApiToken?> FindAsync(string presented, CancellationToken ct)
    {
        if (!ApiTokenFormat.TryParse(presented.Trim(), out var id, out var hash)) return null;
        var token = await db.ApiTokens.Include(t => t.User).FirstOrDefaultAsync(t => t.Id == id, ct);
        return token is not null && CryptographicOperations.FixedTimeEquals(token.SecretHash, hash) ? token : null;
    }

    private async Task<bool> RevokeAsync(ApiToken token, string url, string reporter, Actor actor, bool notify, CancellationToken ct)
    {
        if (token.RevokedAt is not null) return false;
        var now = time.GetUtcNow();
        token.RevokedAt = now;
        audit.Record(AuditEventType.TokenLeaked, actor with { TokenId = token.Id }, token.UserId,
            details: new TokenLeakedDetails(token.Name, url, reporter));
        await db.SaveChangesAsync(ct);
        if (notify) await NotifyAsync(token, url, reporter, now, ct);
        return true;
    }

    private async Task NotifyAsync(ApiToken token, string url, string reporter, DateTimeOffset when, CancellationToken ct)
    {
        var minted = await db.MintedTokens.AsNoTracking().Include(m => m.Publisher).FirstOrDefaultAsync(m => m.TokenId == token.Id, ct);
        if (minted is null)
        {
            await mail.SendAsync(PublishingEmails.TokenLeaked(token.User.Email, token.User.Username, token.Name, token.Id, url, reporter, when, links.Tokens()), ct);
            return;
        }
        // A minted token's account is the publisher's and has no mailbox: the owners of its projects are told.
        var publisher = minted.Publisher.ToSpec().Describe();
        var owners = await db.ProjectRoles.AsNoTracking()
            .Where(r => r.Role == ProjectRoleKind.Owner && token.ProjectScopes.Contains(r.Project.NormalizedName))
            .Select(r => new { r.User.Email, r.User.Username, r.Project.Name, r.Project.NormalizedName })
            .ToListAsync(ct);
        foreach (var o in owners)
        {
            await mail.SendAsync(PublishingEmails.MintedTokenLeaked(o.Email, o.Username, o.Name, publisher, url, reporter, when, links.ProjectPublishing(o.NormalizedName)), ct);
        }
    }

    private static string Clip(string? url)
    {
        var text = string.IsNullOrWhiteSpace(url) ? "(not given)" : url.Trim();
        return text.Length <= 2000 ? text : text[..2000];
    }
}

/// <summary>A token found in public and revoked (<see cref="AuditEventType.TokenLeaked"/>): where, and who reported it.</summary>
public sealed record TokenLeakedDetails(string Name, string Url, string Reporter) : IAuditDetails;
