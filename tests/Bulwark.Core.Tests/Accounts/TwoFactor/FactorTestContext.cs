using System.Security.Cryptography;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.RecoveryCodes;
using Bulwark.Core.Accounts.Totp;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Accounts.WebAuthn;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
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

    private readonly AccountTestContext _store;

    public FactorTestContext(DateTimeOffset? start = null, Action<WebAuthnOptions>? webAuthn = null)
    {
        _store = new AccountTestContext(start);
        Notifications = new FactorNotifications(Notifier, Time, NullLogger<FactorNotifications>.Instance);
        Protector = new FactorSecretProtector(RandomNumberGenerator.GetBytes(FactorSecretProtector.KeySize));

        var options = new WebAuthnOptions { RelyingPartyId = RpId, Origins = [Origin] };
        webAuthn?.Invoke(options);
        RelyingParty = new WebAuthnRelyingParty(WebAuthnSettings.Resolve(options, new Uri(Origin)));
    }

    public FakeTimeProvider Time => _store.Time;
    public BulwarkDbContext Db => _store.Db;
    public AuditLog Audit => _store.Audit;
    public RecordingNotifier Notifier { get; } = new();
    public FactorNotifications Notifications { get; }
    public FactorSecretProtector Protector { get; }
    public WebAuthnRelyingParty RelyingParty { get; }
    public Actor Actor => _store.Actor;

    public TotpEnrollment TotpEnrollment => new(Db, new TotpSecrets(Protector), Audit, Notifications, Time, new TwoFactorOptions { TotpIssuer = "Bulwark Test" });
    public TotpVerification TotpVerification => new(Db, new TotpSecrets(Protector), Audit, Notifications, Time);
    public RecoveryCodeGeneration RecoveryCodes => new(Db, Audit, Notifications, Time);
    public RecoveryCodeRedemption Redemption => new(Db, Audit, Notifications, Time);
    public WebAuthnChallengeStore Challenges => new(Db, RelyingParty, Time);
    public WebAuthnRegistration Registration => new(Db, RelyingParty, Challenges, Audit, Notifications, Time, NullLogger<WebAuthnRegistration>.Instance);
    public WebAuthnAssertion Assertion => new(Db, RelyingParty, Challenges, Audit, Notifications, Time, NullLogger<WebAuthnAssertion>.Instance);
    public TwoFactorStatusQuery Status => new(Db);
    public FactorRemoval Removal => new(Db, Status, Audit, Notifications);

    public User AddUser(string username = "alice") => _store.AddUser(username);

    /// <summary>The types of the audit events recorded so far, oldest first.</summary>
    public List<AuditEventType> AuditTypes() => Db.AuditEvents.AsNoTracking().OrderBy(e => e.Id).Select(e => e.Type).ToList();

    public void Dispose() => _store.Dispose();
}
