using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Throttling;
using Bulwark.Core.Accounts.Tokens;
using Bulwark.Core.Accounts.RecoveryCodes;
using Bulwark.Core.Accounts.Totp;
using Bulwark.Core.Accounts.WebAuthn;
using Bulwark.Core.Audit;
using Bulwark.Core.Downloads;
using Bulwark.Core.Packaging;
using Bulwark.Core.Policies;
using Bulwark.Core.Readmes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Bulwark.Core.Data;

/// <summary>The one EF Core model, shared by the SQLite and PostgreSQL providers.</summary>
public class BulwarkDbContext(DbContextOptions<BulwarkDbContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<ProjectRole> ProjectRoles => Set<ProjectRole>();
    public DbSet<Release> Releases => Set<Release>();
    public DbSet<RenderedDescription> RenderedDescriptions => Set<RenderedDescription>();
    public DbSet<ReleaseFile> Files => Set<ReleaseFile>();
    public DbSet<FilenameRegistration> FilenameRegistrations => Set<FilenameRegistration>();
    public DbSet<ProhibitedProjectName> ProhibitedProjectNames => Set<ProhibitedProjectName>();
    public DbSet<JournalEntry> Journal => Set<JournalEntry>();
    public DbSet<DownloadCount> DownloadCounts => Set<DownloadCount>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<Projects.RoleInvitation> RoleInvitations => Set<Projects.RoleInvitation>();
    public DbSet<AccountToken> AccountTokens => Set<AccountToken>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<AuthAttempt> AuthAttempts => Set<AuthAttempt>();
    public DbSet<Accounts.Devices.KnownDevice> KnownDevices => Set<Accounts.Devices.KnownDevice>();
    public DbSet<TotpCredential> TotpCredentials => Set<TotpCredential>();
    public DbSet<RecoveryCodeSet> RecoveryCodeSets => Set<RecoveryCodeSet>();
    public DbSet<RecoveryCode> RecoveryCodes => Set<RecoveryCode>();
    public DbSet<WebAuthnCredential> WebAuthnCredentials => Set<WebAuthnCredential>();
    public DbSet<WebAuthnChallenge> WebAuthnChallenges => Set<WebAuthnChallenge>();
    public DbSet<CriticalOverride> CriticalOverrides => Set<CriticalOverride>();
    public DbSet<TrustedPublishing.TrustedPublisher> TrustedPublishers => Set<TrustedPublishing.TrustedPublisher>();
    public DbSet<TrustedPublishing.ProjectPublisher> ProjectPublishers => Set<TrustedPublishing.ProjectPublisher>();
    public DbSet<TrustedPublishing.PendingPublisher> PendingPublishers => Set<TrustedPublishing.PendingPublisher>();
    public DbSet<TrustedPublishing.MintedToken> MintedTokens => Set<TrustedPublishing.MintedToken>();
    public DbSet<TrustedPublishing.UsedOidcToken> UsedOidcTokens => Set<TrustedPublishing.UsedOidcToken>();
    public DbSet<ScaleOut.DataProtectionKeyRow> DataProtectionKeys => Set<ScaleOut.DataProtectionKeyRow>();
    public DbSet<ScaleOut.JobLease> JobLeases => Set<ScaleOut.JobLease>();
    public DbSet<Moderation.Reports.ProjectReport> ProjectReports => Set<Moderation.Reports.ProjectReport>();
    public DbSet<Moderation.Reports.ModerationFinding> ModerationFindings => Set<Moderation.Reports.ModerationFinding>();
    public DbSet<Moderation.Typosquats.ProtectedNameAddition> ProtectedNameAdditions => Set<Moderation.Typosquats.ProtectedNameAddition>();
    public DbSet<Moderation.Typosquats.AllowedNamePair> AllowedNamePairs => Set<Moderation.Typosquats.AllowedNamePair>();
    public DbSet<Upstreams.UpstreamPage> UpstreamPages => Set<Upstreams.UpstreamPage>();
    public DbSet<Upstreams.BlockedUpstreamVersion> BlockedUpstreamVersions => Set<Upstreams.BlockedUpstreamVersion>();

    public bool IsSqlite => Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite";

    /// <summary>Saves, linking any new audit events into the hash chain first (see <see cref="AuditChain"/>).</summary>
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var audit = AuditChain.Unlinked(this);
        return audit.Count == 0
            ? base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken)
            : AuditChain.SaveLinkedAsync(this, audit, () => base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken), cancellationToken);
    }

    /// <inheritdoc cref="SaveChangesAsync(bool, CancellationToken)"/>
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        var audit = AuditChain.Unlinked(this);
        return audit.Count == 0
            ? base.SaveChanges(acceptAllChangesOnSuccess)
            : AuditChain.SaveLinkedAsync(this, audit, () => Task.FromResult(base.SaveChanges(acceptAllChangesOnSuccess)), CancellationToken.None).GetAwaiter().GetResult();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date-time type and cannot order or compare DateTimeOffset stored as text; store
        // UTC ticks there. PostgreSQL keeps timestamptz. Either way every stored time is UTC.
        if (IsSqlite)
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<User>(e =>
        {
            e.ToTable("users");
            e.HasIndex(u => u.NormalizedUsername).IsUnique();
            e.HasIndex(u => u.Email);
            e.Property(u => u.Username).HasMaxLength(50);
            e.Property(u => u.NormalizedUsername).HasMaxLength(50);
            e.Property(u => u.Email).HasMaxLength(254);
            e.HasIndex(u => u.WebAuthnUserHandle).IsUnique();
        });

        b.Entity<ApiToken>(e =>
        {
            e.ToTable("api_tokens");
            e.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(t => t.UserId);
            e.Property(t => t.Name).HasMaxLength(100);
        });

        b.Entity<AccountToken>(e =>
        {
            e.ToTable("account_tokens");
            e.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
            // The hash of a 256-bit secret is the lookup key; unique so one link can only ever mean one row.
            e.HasIndex(t => t.SecretHash).IsUnique();
            e.HasIndex(t => new { t.UserId, t.Purpose });
            e.Property(t => t.SecretHash).HasMaxLength(32);
            e.Property(t => t.Email).HasMaxLength(254);
            e.Property(t => t.Purpose).HasConversion<int>();
            // A device-confirmation link belongs to one session; deleting the session makes it worthless.
            e.HasOne<UserSession>().WithMany().HasForeignKey(t => t.SessionId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<Accounts.Devices.KnownDevice>(e =>
        {
            e.ToTable("known_devices");
            e.HasOne(d => d.User).WithMany().HasForeignKey(d => d.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(d => new { d.UserId, d.CookieHash }).IsUnique();
            e.Property(d => d.CookieHash).HasMaxLength(32);
            e.Property(d => d.LastIpAddress).HasMaxLength(64);
            e.Property(d => d.LastUserAgent).HasMaxLength(512);
        });

        b.Entity<UserSession>(e =>
        {
            e.ToTable("user_sessions");
            e.HasOne(s => s.User).WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(s => s.TokenHash).IsUnique();
            e.HasIndex(s => new { s.UserId, s.RevokedAt });
            e.Property(s => s.TokenHash).HasMaxLength(32);
            e.Property(s => s.IpAddress).HasMaxLength(64);
            e.Property(s => s.UserAgent).HasMaxLength(512);
            e.Property(s => s.AuthMethod).HasConversion<int>();
            e.Property(s => s.EndReason).HasConversion<int?>();
        });

        b.Entity<AuthAttempt>(e =>
        {
            e.ToTable("auth_attempts");
            e.HasIndex(a => new { a.Kind, a.AccountKey, a.OccurredAt });
            e.HasIndex(a => new { a.Kind, a.Network, a.OccurredAt });
            e.HasIndex(a => new { a.Kind, a.OccurredAt });
            e.Property(a => a.AccountKey).HasMaxLength(254);
            e.Property(a => a.Network).HasMaxLength(64);
            e.Property(a => a.Kind).HasConversion<int>();
        });
        SecondFactorModel.Configure(b);
        TrustedPublishingModel.Configure(b);
        ScaleOutModel.Configure(b);
        ModerationModel.Configure(b);
        UpstreamModel.Configure(b);

        b.Entity<Project>(e =>
        {
            e.ToTable("projects");
            e.HasIndex(p => p.NormalizedName).IsUnique();
            e.Property(p => p.Name).HasMaxLength(200);
            e.Property(p => p.NormalizedName).HasMaxLength(200);
            e.HasIndex(p => p.LastSerial);
            e.HasIndex(p => p.UltranormalizedName);
            e.Property(p => p.UltranormalizedName).HasMaxLength(200);
            e.Property(p => p.StatusReason).HasMaxLength(500);
            // Partial: the cohort is about 1 % of projects, and the recompute reads exactly those rows.
            e.HasIndex(p => p.CriticalSince).HasFilter("\"CriticalSince\" IS NOT NULL");
        });

        b.Entity<ProjectRole>(e =>
        {
            e.ToTable("project_roles");
            e.HasKey(r => new { r.ProjectId, r.UserId });
            e.HasOne(r => r.Project).WithMany(p => p.Roles).HasForeignKey(r => r.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(r => r.User).WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(r => r.UserId);
        });

        b.Entity<Projects.RoleInvitation>(e =>
        {
            e.ToTable("role_invitations");
            e.HasOne(i => i.Project).WithMany().HasForeignKey(i => i.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(i => i.Invitee).WithMany().HasForeignKey(i => i.InviteeId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(i => i.Inviter).WithMany().HasForeignKey(i => i.InviterId).OnDelete(DeleteBehavior.SetNull);
            // One open invitation per person and project; a new one replaces an expired one.
            e.HasIndex(i => new { i.ProjectId, i.InviteeId }).IsUnique();
            e.HasIndex(i => i.InviteeId);
            e.Property(i => i.Role).HasConversion<int>();
        });

        b.Entity<Release>(e =>
        {
            e.ToTable("releases");
            e.HasOne(r => r.Project).WithMany(p => p.Releases).HasForeignKey(r => r.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(r => new { r.ProjectId, r.CanonicalVersion }).IsUnique();
            e.Property(r => r.Version).HasMaxLength(100);
            e.Property(r => r.CanonicalVersion).HasMaxLength(100);
            e.Property(r => r.Summary).HasMaxLength(512);
        });

        b.Entity<RenderedDescription>(e =>
        {
            e.ToTable("release_descriptions");
            e.HasKey(d => d.ReleaseId);
            e.HasOne(d => d.Release).WithOne().HasForeignKey<RenderedDescription>(d => d.ReleaseId).OnDelete(DeleteBehavior.Cascade);
            e.Property(d => d.Outcome).HasConversion<int>();
            e.Property(d => d.Reason).HasMaxLength(200);
        });

        b.Entity<ReleaseFile>(e =>
        {
            e.ToTable("files");
            e.HasOne(f => f.Release).WithMany(r => r.Files).HasForeignKey(f => f.ReleaseId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(f => f.Filename).IsUnique();
            e.HasIndex(f => f.Blake2b256Digest).IsUnique();
            e.HasIndex(f => f.Sha256Digest);
            e.HasIndex(f => f.ProjectId);
            e.HasIndex(f => f.BlobPath);
            e.Property(f => f.Filename).HasMaxLength(255);
            e.Property(f => f.Md5Digest).HasMaxLength(32);
            e.Property(f => f.Sha256Digest).HasMaxLength(64);
            e.Property(f => f.Blake2b256Digest).HasMaxLength(64);
        });

        b.Entity<FilenameRegistration>(e =>
        {
            e.ToTable("filename_registry");
            e.HasKey(f => f.Filename);
            e.Property(f => f.Filename).HasMaxLength(255);
        });

        b.Entity<ProhibitedProjectName>(e =>
        {
            e.ToTable("prohibited_project_names");
            e.HasKey(p => p.NormalizedName);
            e.Property(p => p.NormalizedName).HasMaxLength(200);
        });

        b.Entity<JournalEntry>(e =>
        {
            e.ToTable("journal");
            e.HasIndex(j => j.ProjectName);
        });

        b.Entity<DownloadCount>(e =>
        {
            e.ToTable("download_counts");
            e.HasKey(d => new { d.FileId, d.Day });
            // For the critical-project recompute (sum per project over a window of days): covering, so neither
            // database reads the table. SQLite uses it as a skip-scan per project and never sorts for the GROUP BY;
            // with the former (Day, ProjectId) index it looked up every row in the table (measured 50x slower at
            // 31M rows, bench/critical). It also serves per-project download charts.
            e.HasIndex(d => new { d.ProjectId, d.Day, d.Count });
        });

        b.Entity<CriticalOverride>(e =>
        {
            e.ToTable("critical_overrides");
            e.HasKey(o => o.NormalizedName);
            e.Property(o => o.NormalizedName).HasMaxLength(200);
            e.Property(o => o.Kind).HasConversion<int>();
            e.Property(o => o.Reason).HasMaxLength(500);
        });

        b.Entity<AuditEvent>(e =>
        {
            e.ToTable("audit_events");
            e.HasIndex(a => new { a.UserId, a.OccurredAt });
            e.HasIndex(a => new { a.ProjectId, a.OccurredAt });
            e.Property(a => a.Type).HasConversion<int>();
            e.Property(a => a.PreviousHash).HasMaxLength(64);
            e.Property(a => a.Hash).HasMaxLength(64);
        });
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));
}
