using System.Security.Cryptography;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;
using OtpNet;

namespace Bulwark.Core.Accounts.Totp;

/// <summary>What the enrolment page shows: the secret as text and as a QR code. Shown once; not stored in clear.</summary>
public sealed record TotpEnrollmentStart(string SecretBase32, string OtpauthUri, string QrSvg, byte[] QrPng);

public enum TotpEnrollmentOutcome
{
    Started = 1,
    Confirmed = 2,
    /// <summary>The account already has a confirmed authenticator app; remove it first.</summary>
    AlreadyEnrolled = 3,
    /// <summary>No pending enrolment, or it is older than <see cref="TotpEnrollment.PendingLifetime"/>.</summary>
    NotStarted = 4,
    InvalidCode = 5,
    OutOfSync = 6,
}

public sealed record TotpEnrollmentResult(TotpEnrollmentOutcome Outcome, string Message, TotpEnrollmentStart? Start = null, bool OwnerNotified = false)
{
    public bool Succeeded => Outcome is TotpEnrollmentOutcome.Started or TotpEnrollmentOutcome.Confirmed;
}

/// <summary>
/// Adds an authenticator app: <see cref="BeginAsync"/> creates a pending secret, <see cref="ConfirmAsync"/>
/// makes it count once the user typed a valid code from it. The web layer requires a fresh step-up before both.
/// </summary>
public sealed class TotpEnrollment(BulwarkDbContext db, TotpSecrets secrets, AuditLog audit, FactorNotifications notifications, TimeProvider time, TwoFactorOptions options)
{
    /// <summary>A secret shown on screen long ago should not become a factor; start again instead.</summary>
    public static readonly TimeSpan PendingLifetime = TimeSpan.FromMinutes(30);

    public async Task<TotpEnrollmentResult> BeginAsync(User user, CancellationToken ct = default)
    {
        var existing = await db.TotpCredentials.FirstOrDefaultAsync(t => t.UserId == user.Id, ct);
        if (existing is { IsConfirmed: true })
        {
            return new(TotpEnrollmentOutcome.AlreadyEnrolled, "Your account already has an authenticator app. Remove it before adding another.");
        }
        var secret = RandomNumberGenerator.GetBytes(TotpCodes.SecretBytes);
        try
        {
            var now = time.GetUtcNow();
            if (existing is null)
            {
                existing = new TotpCredential { UserId = user.Id, EncryptedSecret = [] };
                db.TotpCredentials.Add(existing);
            }
            // A restarted enrolment gets a new secret: the old one may have been seen by someone else.
            existing.EncryptedSecret = secrets.Protect(secret, user.Id);
            existing.CreatedAt = now;
            existing.LastAcceptedStep = null;
            existing.LastUsedAt = null;
            await db.SaveChangesAsync(ct);

            var base32 = Base32Encoding.ToString(secret).TrimEnd('=');
            var uri = TotpCodes.OtpauthUri(options.TotpIssuer ?? "Bulwark", user.Username, base32);
            var (svg, png) = TotpQrCode.Render(uri);
            return new(TotpEnrollmentOutcome.Started, "Scan the code with your authenticator app, then enter the code it shows.",
                new TotpEnrollmentStart(base32, uri, svg, png));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    public async Task<TotpEnrollmentResult> ConfirmAsync(User user, string code, Actor actor, CancellationToken ct = default)
    {
        var pending = await db.TotpCredentials.FirstOrDefaultAsync(t => t.UserId == user.Id, ct);
        if (pending is { IsConfirmed: true })
        {
            return new(TotpEnrollmentOutcome.AlreadyEnrolled, "Your account already has an authenticator app.");
        }
        var now = time.GetUtcNow();
        if (pending is null || now - pending.CreatedAt > PendingLifetime)
        {
            return new(TotpEnrollmentOutcome.NotStarted, "The set-up has expired. Start again to get a new QR code.");
        }
        if (!TotpCodes.TryNormalize(code, out var normalized))
        {
            return new(TotpEnrollmentOutcome.InvalidCode, "Enter the 6-digit code your authenticator app shows.");
        }
        var secret = secrets.Unprotect(pending);
        TotpMatch match;
        try
        {
            match = TotpCodes.Match(secret, normalized, now, pending.LastAcceptedStep);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
        switch (match.Check)
        {
            case TotpCheck.OutOfSync:
                return new(TotpEnrollmentOutcome.OutOfSync, TotpVerification.OutOfSyncMessage);
            case not TotpCheck.Accepted:
                return new(TotpEnrollmentOutcome.InvalidCode, "That code is not valid. Enter the code your authenticator app shows now.");
        }

        pending.ConfirmedAt = now;
        pending.LastAcceptedStep = match.Step;
        pending.LastUsedAt = now;
        audit.Record(AuditEventType.FactorAdded, actor, user.Id, details: FactorAuditDetails.Of(SecondFactorMethod.Totp, credential: pending.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await db.SaveChangesAsync(ct);
        var notified = await notifications.SendAsync(FactorNoticeKind.FactorAdded, user, actor, SecondFactorMethod.Totp, "Authenticator app", ct: ct);
        return new(TotpEnrollmentOutcome.Confirmed, "Your authenticator app is set up.", OwnerNotified: notified);
    }
}
