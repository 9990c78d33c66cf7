using Bulwark.Core.TrustedPublishing;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Data;

/// <summary>Tables of Trusted Publishing: publishers, their projects and pending names, minted tokens, used identity tokens.</summary>
internal static class TrustedPublishingModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<TrustedPublisher>(e =>
        {
            e.ToTable("trusted_publishers");
            // One row per CI identity, whichever project named it first: the unique key is what makes two owners who
            // trust the same workflow share one publisher (and one token owner).
            e.HasIndex(p => p.Key).IsUnique();
            e.HasIndex(p => new { p.Issuer, p.Repository });
            e.HasIndex(p => p.IdentityUserId).IsUnique();
            e.HasOne(p => p.IdentityUser).WithMany().HasForeignKey(p => p.IdentityUserId).OnDelete(DeleteBehavior.Restrict);
            e.Property(p => p.Kind).HasConversion<int>();
            e.Property(p => p.Key).HasMaxLength(64);
            e.Property(p => p.Issuer).HasMaxLength(500);
            e.Property(p => p.Audience).HasMaxLength(255);
            e.Property(p => p.Repository).HasMaxLength(255);
            e.Property(p => p.RepositoryOwnerId).HasMaxLength(20);
            e.Property(p => p.WorkflowPath).HasMaxLength(255);
            e.Property(p => p.Environment).HasMaxLength(255);
        });

        b.Entity<ProjectPublisher>(e =>
        {
            e.ToTable("project_publishers");
            e.HasKey(l => new { l.ProjectId, l.PublisherId });
            e.HasOne(l => l.Project).WithMany().HasForeignKey(l => l.ProjectId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(l => l.Publisher).WithMany().HasForeignKey(l => l.PublisherId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Accounts.User>().WithMany().HasForeignKey(l => l.AddedByUserId).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(l => l.PublisherId);
        });

        b.Entity<PendingPublisher>(e =>
        {
            e.ToTable("pending_publishers");
            e.HasOne(p => p.Publisher).WithMany().HasForeignKey(p => p.PublisherId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(p => p.AddedBy).WithMany().HasForeignKey(p => p.AddedByUserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(p => new { p.NormalizedName, p.PublisherId }).IsUnique();
            e.HasIndex(p => p.PublisherId);
            e.HasIndex(p => p.AddedByUserId);
            e.Property(p => p.ProjectName).HasMaxLength(200);
            e.Property(p => p.NormalizedName).HasMaxLength(200);
        });

        b.Entity<MintedToken>(e =>
        {
            e.ToTable("minted_tokens");
            e.HasKey(m => m.TokenId);
            e.HasOne(m => m.Token).WithOne().HasForeignKey<MintedToken>(m => m.TokenId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(m => m.Publisher).WithMany().HasForeignKey(m => m.PublisherId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(m => new { m.PublisherId, m.MintedAt });
            e.Property(m => m.Issuer).HasMaxLength(500);
            e.Property(m => m.Subject).HasMaxLength(500);
            e.Property(m => m.Repository).HasMaxLength(255);
            e.Property(m => m.Workflow).HasMaxLength(500);
            e.Property(m => m.Ref).HasMaxLength(255);
            e.Property(m => m.Sha).HasMaxLength(64);
            e.Property(m => m.RunId).HasMaxLength(64);
            e.Property(m => m.Environment).HasMaxLength(255);
        });

        b.Entity<UsedOidcToken>(e =>
        {
            e.ToTable("used_oidc_tokens");
            // The primary key is the single-use rule: it holds across every server sharing the database.
            e.HasKey(u => new { u.Issuer, u.Jti });
            e.HasIndex(u => u.ExpiresAt);
            e.Property(u => u.Issuer).HasMaxLength(500);
            e.Property(u => u.Jti).HasMaxLength(255);
        });
    }
}
