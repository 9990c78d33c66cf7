using System.Security.Cryptography;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.RecoveryCodes;
using Bulwark.Core.Accounts.Totp;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Accounts.WebAuthn;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Bulwark.Tests.Shared.SecondFactors;

namespace Bulwark.Core.Tests.Accounts.SecondFactors;

/// <summary>Keeps every notice so tests can assert the owner was (or was not) told.</summary>
public sealed class RecordingNotifier : IFactorNotifier
{
    public List<FactorNotice> Notices { get; } = [];

    public Task NotifyAsync(FactorNotice notice, CancellationToken ct = default)
    {
        Notices.Add(notice);
        return Task.CompletedTask;
    }
}

/// <summary>The second-factor services over an in-memory SQLite database with the real model and a fake clock.</summary>
public sealed class FactorTestContext : IDisposable
{
    public const string RpId = TestAuthenticator.DefaultRpId;
    public const string Origin = TestAuthenticator.DefaultOrigin;

    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public FactorTestContext(DateTimeOffset? start = null, Action<WebAuthnOptions>? webAuthn = null)
    {
        Time = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        _connection.Open();
        Db = new BulwarkDbContext(new DbContextOptionsBuilder<BulwarkDbContext>().UseSqlite(_connection).Options);
        Db.Database.EnsureCreated();
        Audit = new AuditLog(Db, Time);
        Notifications = new FactorNotifications(Notifier, Time, NullLogger<FactorNotifications>.Instance);
        Protector = new FactorSecretProtector(RandomNumberGenerator.GetBytes(FactorSecretProtector.KeySize));

        var options = new WebAuthnOptions { RelyingPartyId = RpId, Origins = [Origin] };
        webAuthn?.Invoke(options);
        RelyingParty = new WebAuthnRelyingParty(WebAuthnSettings.Resolve(options, new Uri(Origin)));
    }

    public FakeTimeProvider Time { get; }
    public BulwarkDbContext Db { get; }
    public AuditLog Audit { get; }
    public RecordingNotifier Notifier { get; } = new();
    public FactorNotifications Notifications { get; }
    public FactorSecretProtector Protector { get; }
    public WebAuthnRelyingParty RelyingParty { get; }
    public Actor Actor { get; } = new("203.0.113.7", "unit-test");

    public TotpEnrollment TotpEnrollment => new(Db, new TotpSecrets(Protector), Audit, Notifications, Time, new TwoFactorOptions { TotpIssuer = "Bulwark Test" });
    public TotpVerification TotpVerification => new(Db, new TotpSecrets(Protector), Audit, Notifications, Time);
    public RecoveryCodeGeneration RecoveryCodes => new(Db, Audit, Notifications, Time);
    public RecoveryCodeRedemption Redemption => new(Db, Audit, Notifications, Time);
    public WebAuthnChallengeStore Challenges => new(Db, RelyingParty, Time);
    public WebAuthnRegistration Registration => new(Db, RelyingParty, Challenges, Audit, Notifications, Time, NullLogger<WebAuthnRegistration>.Instance);
    public WebAuthnAssertion Assertion => new(Db, RelyingParty, Challenges, Audit, Notifications, Time, NullLogger<WebAuthnAssertion>.Instance);
    public TwoFactorStatusQuery Status => new(Db);
    public FactorRemoval Removal => new(Db, Status, Audit, Notifications);

    public User AddUser(string username = "alice")
    {
        var user = new User
        {
            Username = username,
            NormalizedUsername = username.ToLowerInvariant(),
            Email = $"{username}@example.com",
            EmailVerified = true,
            PasswordHash = "$argon2id$v=19$m=8,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
            CreatedAt = Time.GetUtcNow(),
            WebAuthnUserHandle = RandomNumberGenerator.GetBytes(64),
        };
        Db.Users.Add(user);
        Db.SaveChanges();
        return user;
    }

    /// <summary>The types of the audit events recorded so far, oldest first.</summary>
    public List<AuditEventType> AuditTypes() => Db.AuditEvents.AsNoTracking().OrderBy(e => e.Id).Select(e => e.Type).ToList();

    public void Dispose()
    {
        Db.Dispose();
        _connection.Dispose();
    }
}
