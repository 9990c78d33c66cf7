using Bulwark.Core.ScaleOut;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Data;

/// <summary>Tables that let several instances act as one: the shared data-protection key ring and job leases.</summary>
internal static class ScaleOutModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<DataProtectionKeyRow>(e =>
        {
            e.ToTable("data_protection_keys");
            e.Property(k => k.FriendlyName).HasMaxLength(100);
        });

        b.Entity<JobLease>(e =>
        {
            e.ToTable("job_leases");
            e.HasKey(l => l.Name);
            e.Property(l => l.Name).HasMaxLength(100);
            e.Property(l => l.Holder).HasMaxLength(300);
        });
    }
}
