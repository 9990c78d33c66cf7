using Bulwark.Core.Moderation.Reports;
using Bulwark.Core.Moderation.Typosquats;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Data;

/// <summary>Tables of incident response: reports and detector findings; the admins' protected names and allowed pairs.</summary>
internal static class ModerationModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<ProjectReport>(e =>
        {
            e.ToTable("project_reports");
            // A report outlives its project (the name is copied), and its reporter's account.
            e.HasOne<Packaging.Project>().WithMany().HasForeignKey(r => r.ProjectId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne<Accounts.User>().WithMany().HasForeignKey(r => r.ReporterUserId).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(r => new { r.ProjectId, r.ClosedAt });
            e.HasIndex(r => r.CreatedAt);
            e.Property(r => r.ProjectName).HasMaxLength(200);
            e.Property(r => r.Version).HasMaxLength(100);
            e.Property(r => r.Summary).HasMaxLength(2000);
            e.Property(r => r.EvidenceUrl).HasMaxLength(2000);
            e.Property(r => r.Kind).HasConversion<int>();
            e.Property(r => r.Verdict).HasConversion<int?>();
        });

        b.Entity<ModerationFinding>(e =>
        {
            e.ToTable("moderation_findings");
            e.HasOne<Packaging.Project>().WithMany().HasForeignKey(f => f.ProjectId).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(f => f.ProjectId);
            e.Property(f => f.ProjectName).HasMaxLength(200);
            e.Property(f => f.Version).HasMaxLength(100);
            e.Property(f => f.Filename).HasMaxLength(255);
            e.Property(f => f.Detector).HasMaxLength(100);
            e.Property(f => f.Summary).HasMaxLength(2000);
        });

        b.Entity<ProtectedNameAddition>(e =>
        {
            e.ToTable("protected_name_additions");
            e.HasKey(p => p.NormalizedName);
            e.Property(p => p.NormalizedName).HasMaxLength(200);
        });

        b.Entity<AllowedNamePair>(e =>
        {
            e.ToTable("allowed_name_pairs");
            e.HasKey(p => new { p.Candidate, p.Protected });
            e.Property(p => p.Candidate).HasMaxLength(200);
            e.Property(p => p.Protected).HasMaxLength(200);
        });
    }
}
