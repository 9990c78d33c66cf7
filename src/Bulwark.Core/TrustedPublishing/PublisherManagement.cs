using System.Security.Cryptography;
using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Email;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Bulwark.Core.Projects;
using Bulwark.Core.Uploads;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.TrustedPublishing;

/// <summary>A publisher as a project's publishing page and <c>project publisher list</c> show it.</summary>
public sealed record PublisherRow(long PublisherId, string Description, PublisherKind Kind, string? AddedBy, DateTimeOffset AddedAt);

/// <summary>A token minted for a project, with the CI run that asked for it (the project's publishing page).</summary>
public sealed record MintedTokenRow(Guid TokenId, DateTimeOffset MintedAt, string Publisher, string? Repository, string? Workflow, string? Ref,
    string? RunId, string? Environment, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

/// <summary>A pending publisher as its user (and the operator) sees it.</summary>
public sealed record PendingRow(long Id, string ProjectName, string Description, string AddedBy, DateTimeOffset AddedAt);

/// <summary>
/// Adding and removing trusted publishers. Callers decide who may (project owners under the two-factor mandates on
/// the web, operators on the command line); this class keeps the publishers shared per CI identity, audits every
/// change and e-mails every owner, because a publisher nobody on the team added is a way in.
/// </summary>
public sealed class PublisherManagement(
    BulwarkDbContext db,
    ProjectNamePolicy names,
    AuditLog audit,
    IEmailSender mail,
    AccountLinks links,
    TimeProvider time)
{
    /// <summary>PyPI's bound: a user may have this many pending publishers at a time, so names cannot be staked out in bulk.</summary>
    public const int MaxPendingPerUser = 3;

    public Task<List<PublisherRow>> ForProjectAsync(long projectId, CancellationToken ct = default) =>
        Rows(db.ProjectPublishers.AsNoTracking().Where(l => l.ProjectId == projectId), ct);

    private async Task<List<PublisherRow>> Rows(IQueryable<ProjectPublisher> query, CancellationToken ct)
    {
        var rows = await query.OrderBy(l => l.AddedAt).Select(l => new
        {
            l.Publisher,
            AddedBy = db.Users.Where(u => u.Id == l.AddedByUserId).Select(u => u.Username).FirstOrDefault(),
            l.AddedAt,
        }).ToListAsync(ct);
        return rows.Select(r => new PublisherRow(r.Publisher.Id, r.Publisher.ToSpec().Describe(), r.Publisher.Kind, r.AddedBy, r.AddedAt)).ToList();
    }

    /// <summary>The newest tokens minted for <paramref name="project"/>, newest first.</summary>
    public async Task<List<MintedTokenRow>> RecentTokensAsync(Project project, int take = 20, CancellationToken ct = default)
    {
        var name = project.NormalizedName;
        var rows = await db.MintedTokens.AsNoTracking()
            .Where(m => m.Token.ProjectScopes.Contains(name))
            .OrderByDescending(m => m.MintedAt).Take(take)
            .Select(m => new { m, m.Publisher, m.Token.ExpiresAt, m.Token.RevokedAt, m.Token.LastUsedAt })
            .ToListAsync(ct);
        return rows.Select(r => new MintedTokenRow(r.m.TokenId, r.m.MintedAt, r.Publisher.ToSpec().Describe(), r.m.Repository, r.m.Workflow, r.m.Ref,
            r.m.RunId, r.m.Environment, r.ExpiresAt, r.RevokedAt, r.LastUsedAt)).ToList();
    }

    public Task<List<PendingRow>> PendingForUserAsync(long userId, CancellationToken ct = default) =>
        Pending(db.PendingPublishers.Where(p => p.AddedByUserId == userId), ct);

    public Task<List<PendingRow>> PendingForNameAsync(string projectName, CancellationToken ct = default)
    {
        var normalized = ProjectName.Normalize(projectName);
        return Pending(db.PendingPublishers.Where(p => p.NormalizedName == normalized), ct);
    }

    private async Task<List<PendingRow>> Pending(IQueryable<PendingPublisher> query, CancellationToken ct)
    {
        var rows = await query.AsNoTracking().OrderBy(p => p.AddedAt).Select(p => new { p.Id, p.ProjectName, p.Publisher, p.AddedBy.Username, p.AddedAt }).ToListAsync(ct);
        return rows.Select(r => new PendingRow(r.Id, r.ProjectName, r.Publisher.ToSpec().Describe(), r.Username, r.AddedAt)).ToList();
    }

    /// <summary>Trusts <paramref name="spec"/> for <paramref name="project"/>. <paramref name="by"/> is null for an operator.</summary>
    public async Task<Outcome<string>> AddAsync(Project project, PublisherSpec spec, User? by, Actor actor, CancellationToken ct = default)
    {
        if (!(await FindOrCreateAsync(spec, ct)).TryGetValue(out var publisher, out var conflict)) return conflict;
        if (await db.ProjectPublishers.AnyAsync(l => l.ProjectId == project.Id && l.PublisherId == publisher.Id, ct))
        {
            return Refusal.Conflict($"{project.Name} already trusts this publisher ({spec.Describe()}).");
        }
        var now = time.GetUtcNow();
        db.ProjectPublishers.Add(new ProjectPublisher { ProjectId = project.Id, PublisherId = publisher.Id, AddedByUserId = by?.Id, AddedAt = now });
        var description = publisher.ToSpec().Describe();
        audit.Record(AuditEventType.TrustedPublisherAdded, actor, by?.Id, project.Id,
            new PublisherAuditDetails(project.Name, description, publisher.Id));
        await db.SaveChangesAsync(ct);
        await TellOwnersAsync(project, (to, name, page) => PublishingEmails.PublisherAdded(to, name, project.Name, description, by?.Username ?? "an index operator", now, page), ct);
        return Outcome.Ok($"{project.Name} now trusts {description}.");
    }

    /// <summary>
    /// Stops trusting publisher <paramref name="publisherId"/>. Tokens it minted earlier stop working for this project
    /// at once: an upload checks the publisher's projects as they are at that moment.
    /// </summary>
    public async Task<Outcome<string>> RemoveAsync(Project project, long publisherId, User? by, Actor actor, CancellationToken ct = default)
    {
        var link = await db.ProjectPublishers.Include(l => l.Publisher).FirstOrDefaultAsync(l => l.ProjectId == project.Id && l.PublisherId == publisherId, ct);
        if (link is null) return Refusal.NotFound($"{project.Name} has no trusted publisher #{publisherId}.");
        db.ProjectPublishers.Remove(link);
        var description = link.Publisher.ToSpec().Describe();
        var now = time.GetUtcNow();
        audit.Record(AuditEventType.TrustedPublisherRemoved, actor, by?.Id, project.Id,
            new PublisherAuditDetails(project.Name, description, publisherId));
        await db.SaveChangesAsync(ct);
        await TellOwnersAsync(project, (to, name, page) => PublishingEmails.PublisherRemoved(to, name, project.Name, description, by?.Username ?? "an index operator", now, page), ct);
        return Outcome.Ok($"{project.Name} no longer trusts {description}.");
    }

    /// <summary>Registers a pending publisher: its first valid token creates <paramref name="projectName"/> with <paramref name="owner"/> as owner.</summary>
    public async Task<Outcome<string>> AddPendingAsync(string projectName, PublisherSpec spec, User owner, Actor actor, CancellationToken ct = default)
    {
        projectName = projectName.Trim();
        var normalized = ProjectName.Normalize(projectName);
        if (ProjectName.IsValid(projectName) && await db.Projects.AnyAsync(p => p.NormalizedName == normalized, ct))
        {
            return Refusal.Conflict($"The project '{projectName}' already exists: its owners add publishers on its own Publishing page.");
        }
        if (await names.CheckNewNameAsync(projectName, ct) is { } refused) return refused;
        if (owner.IsAutomation || owner.IsFrozen) return Refusal.Conflict($"'{owner.Username}' cannot own a project created by a pending publisher: the account cannot sign in.");
        if (await db.PendingPublishers.CountAsync(p => p.AddedByUserId == owner.Id, ct) >= MaxPendingPerUser)
        {
            return Refusal.Conflict($"'{owner.Username}' already has {MaxPendingPerUser} pending publishers; remove one or let one create its project first.");
        }
        if (!(await FindOrCreateAsync(spec, ct)).TryGetValue(out var publisher, out var conflict)) return conflict;
        if (await db.PendingPublishers.AnyAsync(p => p.NormalizedName == normalized && p.PublisherId == publisher.Id, ct))
        {
            return Refusal.Conflict($"This pending publisher for '{projectName}' exists already.");
        }
        db.PendingPublishers.Add(new PendingPublisher
        {
            PublisherId = publisher.Id,
            ProjectName = projectName,
            NormalizedName = normalized,
            AddedByUserId = owner.Id,
            AddedAt = time.GetUtcNow(),
        });
        audit.Record(AuditEventType.PendingPublisherAdded, actor, owner.Id,
            details: new PublisherAuditDetails(projectName, spec.Describe(), publisher.Id));
        await db.SaveChangesAsync(ct);
        return Outcome.Ok($"Pending publisher added: the first upload from {spec.Describe()} creates '{projectName}', owned by {owner.Username}. Until then the name is not reserved.");
    }

    /// <summary>Removes a pending publisher; <paramref name="ownerId"/> limits it to that user's (null: an operator).</summary>
    public async Task<Outcome<string>> RemovePendingAsync(long id, long? ownerId, Actor actor, CancellationToken ct = default)
    {
        var pending = await db.PendingPublishers.Include(p => p.Publisher).FirstOrDefaultAsync(p => p.Id == id && (ownerId == null || p.AddedByUserId == ownerId), ct);
        if (pending is null) return Refusal.NotFound($"There is no pending publisher #{id}.");
        db.PendingPublishers.Remove(pending);
        audit.Record(AuditEventType.PendingPublisherRemoved, actor, pending.AddedByUserId,
            details: new PublisherAuditDetails(pending.ProjectName, null, pending.PublisherId, Reason: "removed"));
        await db.SaveChangesAsync(ct);
        return Outcome.Ok($"Removed the pending publisher for '{pending.ProjectName}' ({pending.Publisher.ToSpec().Describe()}).");
    }

    /// <summary>
    /// The publisher row of this CI identity, made with its own account on first use. Null with a message when the
    /// spec's GitHub owner id contradicts the one already pinned.
    /// </summary>
    private async Task<Outcome<TrustedPublisher>> FindOrCreateAsync(PublisherSpec spec, CancellationToken ct)
    {
        var key = spec.KeyHash;
        var existing = await db.TrustedPublishers.FirstOrDefaultAsync(p => p.Key == key, ct);
        if (existing is not null)
        {
            if (spec.RepositoryOwnerId is { } id && existing.RepositoryOwnerId is { } pinned && id != pinned)
            {
                return Refusal.Conflict($"This publisher is pinned to GitHub owner id {pinned}, not {id}: the repository's owner seems to have changed. Check the owner before trusting it.");
            }
            existing.RepositoryOwnerId ??= spec.RepositoryOwnerId;
            return existing;
        }
        var now = time.GetUtcNow();
        // The account that owns this publisher's minted tokens. Its name has a ':' that registration refuses, so no
        // person can hold it; no password, so it can never sign in; no roles, so it can act only where a project
        // trusts the publisher.
        var handle = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var identity = new User
        {
            Username = "publisher:" + handle,
            NormalizedUsername = "publisher:" + handle,
            Email = $"publisher-{handle}@trusted-publishing.invalid",
            EmailVerified = false,
            CreatedAt = now,
            WebAuthnUserHandle = RandomNumberGenerator.GetBytes(64),
        };
        var publisher = new TrustedPublisher
        {
            Kind = spec.Kind,
            Issuer = spec.Issuer,
            Audience = spec.Audience,
            Repository = spec.Repository,
            RepositoryOwnerId = spec.RepositoryOwnerId,
            WorkflowPath = spec.WorkflowPath,
            Environment = spec.Environment,
            RequiredClaims = spec.RequiredClaims.ToList(),
            Key = key,
            IdentityUser = identity,
            CreatedAt = now,
        };
        db.Users.Add(identity);
        db.TrustedPublishers.Add(publisher);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another owner added the same CI identity at the same moment: use theirs.
            db.ChangeTracker.Clear();
            var winner = await db.TrustedPublishers.FirstOrDefaultAsync(p => p.Key == key, ct);
            if (winner is null) throw;
            return winner;
        }
        return publisher;
    }

    private async Task TellOwnersAsync(Project project, Func<string, string, Uri, EmailMessage> message, CancellationToken ct)
    {
        var owners = await db.ProjectRoles.AsNoTracking()
            .Where(r => r.ProjectId == project.Id && r.Role == ProjectRoleKind.Owner)
            .Select(r => new { r.User.Email, r.User.Username }).ToListAsync(ct);
        var page = links.ProjectPublishing(project.NormalizedName);
        foreach (var o in owners) await mail.SendAsync(message(o.Email, o.Username, page), ct);
    }
}
