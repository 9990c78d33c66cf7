namespace Bulwark.Core.TrustedPublishing;

/// <summary>The CI systems whose identity tokens Bulwark understands.</summary>
public enum PublisherKind
{
    /// <summary>GitHub Actions (github.com, or a GitHub Enterprise Server issuer the operator allowed).</summary>
    GitHub = 1,
    /// <summary>GitLab CI/CD (gitlab.com, or a self-managed GitLab the operator allowed).</summary>
    GitLab = 2,
    /// <summary>Any other OpenID Connect issuer the operator allowed: Forgejo/Gitea Actions, Jenkins, Buildkite, in-house.</summary>
    Oidc = 3,
}

/// <summary>
/// One CI identity that may publish: an issuer and the claims its tokens must carry. A publisher is shared by
/// every project that trusts the same workflow (as on PyPI), and linked to projects through
/// <see cref="ProjectPublisher"/> or waiting for a project through <see cref="PendingPublisher"/>. Rows are never
/// deleted: the tokens minted for a publisher and the files uploaded with them keep pointing at it.
/// </summary>
public sealed class TrustedPublisher
{
    public long Id { get; set; }
    public PublisherKind Kind { get; set; }

    /// <summary>The issuer URL exactly as its tokens carry it in <c>iss</c> (no trailing slash).</summary>
    public required string Issuer { get; set; }

    /// <summary>Generic issuers only: the <c>aud</c> the tokens carry when it cannot be set to the index's own.</summary>
    public string? Audience { get; set; }

    /// <summary>GitHub <c>OWNER/REPO</c> or GitLab <c>GROUP/…/PROJECT</c>; compared without regard to case, as both sites do.</summary>
    public string? Repository { get; set; }

    /// <summary>
    /// GitHub's numeric id of the repository owner. Given when the publisher is added, or pinned from the first
    /// token that matches; from then on a token must carry it, so a repository name that was deleted and
    /// registered again by someone else (a "resurrected" name) no longer matches.
    /// </summary>
    public string? RepositoryOwnerId { get; set; }

    /// <summary>GitHub: the workflow file under <c>.github/workflows/</c>. GitLab: the CI configuration path.</summary>
    public string? WorkflowPath { get; set; }

    /// <summary>The CI environment the job must run in; null accepts any (and none).</summary>
    public string? Environment { get; set; }

    /// <summary>Generic issuers only: <c>name=value</c> pairs every token must carry, each compared exactly.</summary>
    public List<string> RequiredClaims { get; set; } = [];

    /// <summary>SHA-256 (hex) of the canonical identity (<see cref="PublisherSpec.IdentityKey"/>); unique.</summary>
    public required string Key { get; set; }

    /// <summary>
    /// The account that owns the tokens minted for this publisher: an account of its own with no password and no
    /// roles, made when the publisher is first added. See the README of this folder for why.
    /// </summary>
    public long IdentityUserId { get; set; }
    public Accounts.User IdentityUser { get; set; } = null!;

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The publisher as its fields, for matching and display.</summary>
    public PublisherSpec ToSpec() => new(Kind, Issuer, Repository, WorkflowPath, Environment, RepositoryOwnerId, Audience, RequiredClaims);
}

/// <summary>A publisher trusted by a project: tokens it mints may upload there.</summary>
public sealed class ProjectPublisher
{
    public long ProjectId { get; set; }
    public Packaging.Project Project { get; set; } = null!;
    public long PublisherId { get; set; }
    public TrustedPublisher Publisher { get; set; } = null!;
    public long? AddedByUserId { get; set; }
    public DateTimeOffset AddedAt { get; set; }
}

/// <summary>
/// A publisher registered for a project name that does not exist yet. Its first valid token creates the project,
/// with <see cref="AddedByUserId"/> as owner, and turns this row into a <see cref="ProjectPublisher"/>; other
/// pending publishers for the same name are then dropped. It reserves nothing: until then anyone may take the name.
/// </summary>
public sealed class PendingPublisher
{
    public long Id { get; set; }
    public long PublisherId { get; set; }
    public TrustedPublisher Publisher { get; set; } = null!;
    /// <summary>The name as entered (the project's display name once created).</summary>
    public required string ProjectName { get; set; }
    public required string NormalizedName { get; set; }
    public long AddedByUserId { get; set; }
    public Accounts.User AddedBy { get; set; } = null!;
    public DateTimeOffset AddedAt { get; set; }
}

/// <summary>
/// Where a Trusted Publishing token came from: the publisher and the claims of the CI run that asked for it.
/// One row per minted API token; the audit log and the project's publishing page read it.
/// </summary>
public sealed class MintedToken
{
    public Guid TokenId { get; set; }
    public Accounts.ApiToken Token { get; set; } = null!;
    public long PublisherId { get; set; }
    public TrustedPublisher Publisher { get; set; } = null!;
    public DateTimeOffset MintedAt { get; set; }
    public required string Issuer { get; set; }
    public required string Subject { get; set; }
    /// <summary>GitHub <c>repository</c> or GitLab <c>project_path</c>; null for generic issuers.</summary>
    public string? Repository { get; set; }
    /// <summary>GitHub <c>job_workflow_ref</c> or GitLab <c>ci_config_ref_uri</c>.</summary>
    public string? Workflow { get; set; }
    public string? Ref { get; set; }
    public string? Sha { get; set; }
    /// <summary>GitHub <c>run_id</c> or GitLab <c>pipeline_id</c>.</summary>
    public string? RunId { get; set; }
    public string? Environment { get; set; }
}

/// <summary>
/// An identity token already exchanged. The primary key (issuer, <c>jti</c>) is what makes a token single-use:
/// two servers racing on the same token cannot both insert it. Rows are purged once the token has expired
/// (it is refused for its age from then on).
/// </summary>
public sealed class UsedOidcToken
{
    public required string Issuer { get; set; }
    public required string Jti { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset UsedAt { get; set; }
}
