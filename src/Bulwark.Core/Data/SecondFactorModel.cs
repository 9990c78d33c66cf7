using Bulwark.Core.Accounts.RecoveryCodes;
using Bulwark.Core.Accounts.Totp;
using Bulwark.Core.Accounts.WebAuthn;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Data;

/// <summary>Tables of the second factors: typed columns, no serialized blobs.</summary>
internal static class SecondFactorModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<TotpCredential>(e =>
        {
            e.ToTable("totp_credentials");
            e.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
            // One authenticator app per account, as on PyPI; a pending enrolment is replaced, not added.
            e.HasIndex(t => t.UserId).IsUnique();
            e.Property(t => t.EncryptedSecret).HasMaxLength(128);
        });

        b.Entity<RecoveryCodeSet>(e =>
        {
            e.ToTable("recovery_code_sets");
            e.HasOne(s => s.User).WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(s => new { s.UserId, s.InvalidatedAt });
        });

        b.Entity<RecoveryCode>(e =>
        {
            e.ToTable("recovery_codes");
            e.HasOne(c => c.Set).WithMany(s => s.Codes).HasForeignKey(c => c.SetId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(c => c.SetId);
            e.Property(c => c.Salt).HasMaxLength(16);
            e.Property(c => c.Hash).HasMaxLength(32);
        });

        b.Entity<WebAuthnCredential>(e =>
        {
            e.ToTable("webauthn_credentials");
            e.HasOne(c => c.User).WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
            // WebAuthn §7.1 step 22: a credential id registered to anyone must be refused. The service checks
            // first for a clear answer; this index decides races between two registrations.
            e.HasIndex(c => c.CredentialId).IsUnique();
            e.HasIndex(c => c.UserId);
            // The spec caps credential ids at 1023 bytes.
            e.Property(c => c.CredentialId).HasMaxLength(1023);
            e.Property(c => c.PublicKey).HasMaxLength(2048);
            e.Property(c => c.Transports).HasConversion<int>();
            e.Property(c => c.AttestationFormat).HasMaxLength(32);
            e.Property(c => c.Name).HasMaxLength(64);
        });

        b.Entity<WebAuthnChallenge>(e =>
        {
            e.ToTable("webauthn_challenges");
            e.HasKey(c => c.Id);
            e.HasIndex(c => c.ExpiresAt);
            e.Property(c => c.Challenge).HasMaxLength(64);
            e.Property(c => c.Ceremony).HasConversion<int>();
            e.Property(c => c.UserVerification).HasConversion<int>();
        });
    }
}
