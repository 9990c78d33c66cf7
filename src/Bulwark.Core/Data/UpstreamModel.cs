using Bulwark.Core.Upstreams;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Data;

/// <summary>Tables of the upstream proxy: cached upstream pages and versions blocked from a malicious-package feed.</summary>
internal static class UpstreamModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<UpstreamPage>(e =>
        {
            e.ToTable("upstream_pages");
            e.HasKey(p => p.NormalizedName);
            e.Property(p => p.NormalizedName).HasMaxLength(200);
            e.Property(p => p.UpstreamUrl).HasMaxLength(2000);
            e.Property(p => p.ETag).HasMaxLength(500);
        });

        b.Entity<BlockedUpstreamVersion>(e =>
        {
            e.ToTable("blocked_upstream_versions");
            e.HasIndex(v => v.NormalizedName);
            e.HasIndex(v => v.Source);
            e.Property(v => v.Source).HasMaxLength(100);
            e.Property(v => v.NormalizedName).HasMaxLength(200);
            e.Property(v => v.Version).HasMaxLength(100);
            e.Property(v => v.Introduced).HasMaxLength(100);
            e.Property(v => v.Fixed).HasMaxLength(100);
            e.Property(v => v.LastAffected).HasMaxLength(100);
        });
    }
}
