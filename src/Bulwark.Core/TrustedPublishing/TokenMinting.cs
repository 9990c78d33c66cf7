using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Outcomes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Core.TrustedPublishing;

/// <summary>
/// <c>POST /_/oidc/mint-token</c>: exchanges a CI identity token for a short-lived API token scoped to the projects
/// of the publisher it matches. Steps: verify the token (<see cref="OidcTokenValidator"/>); find the publishers
/// whose requirements it meets (<see cref="PublisherMatching"/>); then, in one transaction, take the token's
/// <c>jti</c> (so it is single-use across every server on this database), create the projects of matching pending
/// publishers, and mint an ordinary <c>bulwark_</c> token owned by the publisher's own account, recording the CI
/// run's claims with it. A refusal after the <c>jti</c> was taken rolls the transaction back, so a token refused
/// for a missing publisher can be retried once the publisher is added.
/// </summary>
public sealed class TokenMinting(
    BulwarkDbContext db,
    OidcTokenValidator validator,
    PendingReification pending,
    IndexWriter index,
    ApiTokenService apiTokens,
    AuditLog audit,
    IOptions<TrustedPublishingOptions> options,
    TimeProvider time,
    ILogger<TokenMinting> log)
{
    public async Task<Outcome<MintedTokenResult>> MintAsync(string rawToken, string indexAudience, Actor actor, CancellationToken ct)
    {
        if (!options.Value.Enabled) return MintFailure.Of(MintFailure.NotEnabled, "Trusted Publishing is not enabled on this index");
        var validated = await validator.ValidateAsync(rawToken, (issuer, c) => AudiencesAsync(issuer, indexAudience, c), ct);
        if (!validated.TryGetValue(out var token, out var invalid)) return Refuse(invalid, null);

        var (matches, reasons) = await FindPublishersAsync(token, indexAudience, ct);
        if (matches.Count == 0) return Refuse(NoPublisher(token, reasons), token);
        var ids = matches.Select(p => p.Id).ToList();
        var stale = await pending.DropStaleAsync(ids, actor, ct);

        // An index transaction: reifying a pending publisher creates its project, which the index announces at the commit.
        await using var tx = await index.BeginAsync(ct);
        if (!await ClaimAsync(token, ct))
        {
            await tx.RollbackAsync(CancellationToken.None);
            return Refuse(MintFailure.Of(MintFailure.InvalidReuseToken, "invalid token: already used. Each identity token can be exchanged once; request a new one"), token);
        }
        try
        {
            var pendingFailure = await pending.ReifyAsync(ids, actor, ct);
            var links = await db.ProjectPublishers.AsNoTracking()
                .Where(l => ids.Contains(l.PublisherId))
                .Select(l => new { l.PublisherId, l.Project.Name, l.Project.NormalizedName, l.ProjectId })
                .ToListAsync(ct);
            // The most specific publisher wins (one that names the environment over one that accepts any), as on PyPI.
            var chosen = matches.Where(p => links.Any(l => l.PublisherId == p.Id))
                .OrderByDescending(p => p.Environment is not null).ThenByDescending(p => p.RequiredClaims.Count).ThenBy(p => p.Id)
                .FirstOrDefault();
            if (chosen is null)
            {
                await tx.RollbackAsync(CancellationToken.None);
                return Refuse(pendingFailure ?? (stale.Count > 0
                    ? MintFailure.Of(MintFailure.InvalidPendingPublisher, $"valid token, but the project '{stale[0]}' already exists, so its pending publisher was removed; ask the project's owners to add the publisher")
                    : NoPublisher(token, ["the publisher is not registered for any project"])), token);
            }
            var projects = links.Where(l => l.PublisherId == chosen.Id).OrderBy(l => l.NormalizedName, StringComparer.Ordinal).ToList();
            var identity = await db.Users.FirstAsync(u => u.Id == chosen.IdentityUserId, ct);
            if (identity.IsFrozen)
            {
                await tx.RollbackAsync(CancellationToken.None);
                return Refuse(MintFailure.Of(MintFailure.InvalidPublisher, "valid token, but this publisher has been suspended by the index administrators"), token);
            }
            PinOwnerId(chosen, token);

            var spec = chosen.ToSpec();
            var minter = actor with { UserId = identity.Id };
            var created = await apiTokens.CreateAsync(identity, Truncate($"Trusted Publishing: {spec.Describe()}", 100)!,
                projects.Select(p => p.NormalizedName).ToList(), time.GetUtcNow() + Lifetime, minter, ct,
                // No web page was involved that a phishing site could imitate: the CI proved its identity with a
                // token signed by its issuer, and the publisher was approved under the project's mandates.
                issuedPhishingResistant: true);
            var record = Record(created.Entity.Id, chosen.Id, token);
            db.MintedTokens.Add(record);
            var details = new TokenMintedDetails(spec.Describe(), chosen.Id, record.Subject, record.Repository, record.Workflow,
                record.Ref, record.Sha, record.RunId, record.Environment, created.Entity.ExpiresAt);
            foreach (var p in projects) audit.Record(AuditEventType.TrustedPublisherTokenMinted, minter with { TokenId = created.Entity.Id }, identity.Id, p.ProjectId, details);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            log.LogInformation("Minted a Trusted Publishing token for {Publisher} ({Subject}), projects {Projects}.", spec.Describe(), record.Subject, string.Join(", ", projects.Select(p => p.Name)));
            return new MintedTokenResult(created.Token, created.Entity.ExpiresAt!.Value.ToUnixTimeSeconds(), projects.Select(p => p.Name).ToList());
        }
        catch (DbUpdateException)
        {
            // Two runs of the same pending publisher creating its project at once: one wins, the other may retry.
            await tx.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            return Refuse(MintFailure.Of(MintFailure.InvalidPendingPublisher, "valid token, but the project was being created by another request at the same moment; run the job again"), token);
        }
    }

    private TimeSpan Lifetime => options.Value.TokenLifetime;

    /// <summary>The index's audience, plus for generic issuers the audiences their publishers name.</summary>
    private async Task<IReadOnlyCollection<string>> AudiencesAsync(OidcIssuer issuer, string indexAudience, CancellationToken ct)
    {
        if (issuer.Kind != PublisherKind.Oidc) return [indexAudience];
        var named = await db.TrustedPublishers.AsNoTracking()
            .Where(p => p.Issuer == issuer.Url && p.Kind == PublisherKind.Oidc && p.Audience != null)
            .Select(p => p.Audience!).Distinct().ToListAsync(ct);
        return [indexAudience, .. named];
    }

    private async Task<(List<TrustedPublisher> Matches, List<string> Reasons)> FindPublishersAsync(VerifiedToken token, string indexAudience, CancellationToken ct)
    {
        var issuer = token.Issuer;
        List<TrustedPublisher> candidates;
        if (issuer.Kind == PublisherKind.Oidc)
        {
            // Generic requirements are arbitrary claims, so there is no key to look up; an issuer's publishers are
            // few (each was approved by an owner), and each is checked in full.
            candidates = await db.TrustedPublishers.Where(p => p.Issuer == issuer.Url && p.Kind == PublisherKind.Oidc).ToListAsync(ct);
        }
        else
        {
            var keys = PublisherMatching.CandidateKeys(token);
            candidates = keys.Count == 0 ? [] : await db.TrustedPublishers.Where(p => keys.Contains(p.Key)).ToListAsync(ct);
        }
        var matches = new List<TrustedPublisher>();
        var reasons = new List<string>();
        foreach (var candidate in candidates)
        {
            if (PublisherMatching.Mismatch(candidate.ToSpec(), token, indexAudience) is { } reason) reasons.Add($"{candidate.ToSpec().Describe()}: {reason}");
            else matches.Add(candidate);
        }
        return (matches, reasons);
    }

    /// <summary>Inserts (issuer, jti); false when it is there already, from this server or another.</summary>
    private async Task<bool> ClaimAsync(VerifiedToken token, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // Rows of tokens past their expiry (and the leeway) protect nothing any more: those tokens are refused for age.
        await db.UsedOidcTokens.Where(u => u.ExpiresAt < now - TimeSpan.FromMinutes(10)).ExecuteDeleteAsync(ct);
        if (await db.UsedOidcTokens.AnyAsync(u => u.Issuer == token.Issuer.Url && u.Jti == token.Jti, ct)) return false;
        db.UsedOidcTokens.Add(new UsedOidcToken { Issuer = token.Issuer.Url, Jti = token.Jti, ExpiresAt = token.ExpiresAt + OidcTokenValidator.Leeway, UsedAt = now });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // The primary key decided a race with a concurrent exchange of the same token.
            db.ChangeTracker.Clear();
            return false;
        }
    }

    /// <summary>
    /// A GitHub publisher added without the owner's numeric id takes it from its first matching token, so a later
    /// owner of a re-registered name (a different id) cannot publish through it.
    /// </summary>
    private void PinOwnerId(TrustedPublisher publisher, VerifiedToken token)
    {
        if (publisher.Kind != PublisherKind.GitHub || publisher.RepositoryOwnerId is not null) return;
        publisher.RepositoryOwnerId = Truncate(token["repository_owner_id"], 20);
    }

    private MintedToken Record(Guid tokenId, long publisherId, VerifiedToken t)
    {
        var gitlab = t.Issuer.Kind == PublisherKind.GitLab;
        return new MintedToken
        {
            TokenId = tokenId,
            PublisherId = publisherId,
            MintedAt = time.GetUtcNow(),
            Issuer = t.Issuer.Url,
            Subject = Truncate(t.Subject, 500)!,
            Repository = Truncate(gitlab ? t["project_path"] : t["repository"], 255),
            Workflow = Truncate(gitlab ? t["ci_config_ref_uri"] : t["job_workflow_ref"] ?? t["workflow_ref"], 500),
            Ref = Truncate(gitlab ? t["ref_path"] : t["ref"], 255),
            Sha = Truncate(t["sha"], 64),
            RunId = Truncate(gitlab ? t["pipeline_id"] : t["run_id"], 64),
            Environment = Truncate(t["environment"], 255),
        };
    }

    private static Refusal NoPublisher(VerifiedToken token, IReadOnlyList<string> reasons)
    {
        var what = token.Issuer.Kind switch
        {
            PublisherKind.GitHub => $"GitHub repository '{token["repository"]}', workflow '{PublisherMatching.GitHubWorkflowFile(token)}'",
            PublisherKind.GitLab => $"GitLab project '{token["project_path"]}', CI file '{PublisherMatching.GitLabConfigPath(token)}'",
            _ => $"issuer {token.Issuer.Url}, sub '{token.Subject}'",
        };
        if (token["environment"] is { } env) what += $", environment '{env}'";
        var why = reasons.Count == 0 ? "no publisher on this index names it" : string.Join("; ", reasons.Take(3));
        return MintFailure.Of(MintFailure.InvalidPublisher,
            $"valid token, but no corresponding publisher ({what}: {why}). A project owner adds the publisher on the project's Publishing page (/manage/project/NAME/publishing)");
    }

    private Refusal Refuse(Refusal failure, VerifiedToken? token)
    {
        log.LogInformation("Trusted Publishing exchange refused ({Code}) for {Issuer} {Subject}: {Description}",
            failure.Code, token?.Issuer.Url ?? "an unverified token", token?.Subject, failure.Message);
        return failure;
    }

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}
