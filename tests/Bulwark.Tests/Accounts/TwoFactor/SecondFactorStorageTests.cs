using System.Security.Cryptography;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.RecoveryCodes;
using Bulwark.Core.Accounts.Totp;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Accounts.WebAuthn;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Tests.Infrastructure;
using Bulwark.Tests.Shared.SecondFactors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace Bulwark.Tests.SecondFactors;

/// <summary>
/// What only the database can guarantee, on SQLite and PostgreSQL: credential ids unique across all users,
/// and single use of challenges, TOTP steps and recovery codes when requests race in separate DbContexts.
/// </summary>
public abstract class SecondFactorStorageTests<TServer>(TServer server) where TServer : BulwarkServer
{
    // The test server's public URL is http://localhost, so that is the relying party.
    private const string Origin = "http://localhost";
    private const string RpId = "localhost";
    private static readonly Actor Actor = new("198.51.100.9", "integration-test");

    private Task<User> NewUserAsync() => server.WithScopeAsync(async sp =>
    {
        var name = "u" + Guid.NewGuid().ToString("N")[..12];
        var created = await sp.GetRequiredService<UserService>().CreateAsync(name, $"{name}@example.com", null, false, true, Actor);
        return created.Value;
    });

    private Task<T> InScopeAsync<T>(Func<IServiceProvider, BulwarkDbContext, User, Task<T>> body, User user) => server.WithScopeAsync(async sp =>
    {
        var db = sp.GetRequiredService<BulwarkDbContext>();
        var tracked = await db.Users.SingleAsync(u => u.Id == user.Id);
        return await body(sp, db, tracked);
    });

    private static WebAuthnCredential Credential(long userId, byte[] credentialId) => new()
    {
        UserId = userId,
        CredentialId = credentialId,
        PublicKey = [1, 2, 3],
        AttestationFormat = "none",
        Name = "key",
        CreatedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task The_database_refuses_one_credential_id_for_two_users()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        var id = RandomNumberGenerator.GetBytes(48);
        await server.WithDbAsync(async db =>
        {
            db.WebAuthnCredentials.Add(Credential(alice.Id, id));
            return await db.SaveChangesAsync();
        });

        // Straight to the table, past the service's own check: only the unique index stands in the way.
        await Assert.ThrowsAsync<DbUpdateException>(() => server.WithDbAsync(async db =>
        {
            db.WebAuthnCredentials.Add(Credential(bob.Id, (byte[])id.Clone()));
            return await db.SaveChangesAsync();
        }));
        Assert.Equal(1, await server.WithDbAsync(db => db.WebAuthnCredentials.CountAsync(c => c.CredentialId == id)));
        // A different id for the same user is fine.
        await server.WithDbAsync(async db =>
        {
            db.WebAuthnCredentials.Add(Credential(bob.Id, RandomNumberGenerator.GetBytes(48)));
            return await db.SaveChangesAsync();
        });
    }

    [Fact]
    public async Task Registering_another_users_credential_id_is_refused_by_the_service()
    {
        var alice = await NewUserAsync();
        var bob = await NewUserAsync();
        using var key = new TestAuthenticator();
        var first = await InScopeAsync(async (sp, _, user) =>
        {
            var registration = sp.GetRequiredService<WebAuthnRegistration>();
            var start = await registration.BeginAsync(user, passkey: false);
            return await registration.CompleteAsync(user, start.ChallengeId, key.Register(start.OptionsJson, Origin, RpId), "key", Actor);
        }, alice);
        Assert.Equal(WebAuthnOutcome.Success, first.Outcome);

        using var copy = new TestAuthenticator(credentialId: key.CredentialId);
        var second = await InScopeAsync(async (sp, _, user) =>
        {
            var registration = sp.GetRequiredService<WebAuthnRegistration>();
            var start = await registration.BeginAsync(user, passkey: false);
            return await registration.CompleteAsync(user, start.ChallengeId, copy.Register(start.OptionsJson, Origin, RpId), "copy", Actor);
        }, bob);

        Assert.Equal(WebAuthnOutcome.DuplicateCredential, second.Outcome);
        Assert.Equal(alice.Id, await server.WithDbAsync(db => db.WebAuthnCredentials.Where(c => c.CredentialId == key.CredentialId).Select(c => c.UserId).SingleAsync()));
    }

    [Fact]
    public async Task A_challenge_is_consumed_once_across_db_contexts()
    {
        var user = await NewUserAsync();
        var issued = await server.WithScopeAsync(sp => sp.GetRequiredService<WebAuthnChallengeStore>()
            .IssueAsync(WebAuthnCeremony.SecondFactor, user.Id, UserVerificationPolicy.Preferred, false));

        var first = await server.WithScopeAsync(sp => sp.GetRequiredService<WebAuthnChallengeStore>().ConsumeAsync(issued.Id, WebAuthnCeremony.SecondFactor, user.Id));
        var second = await server.WithScopeAsync(sp => sp.GetRequiredService<WebAuthnChallengeStore>().ConsumeAsync(issued.Id, WebAuthnCeremony.SecondFactor, user.Id));

        Assert.Equal(ChallengeState.Valid, first.State);
        Assert.Equal(issued.Challenge, first.Challenge!.Challenge);
        Assert.Equal(ChallengeState.Unknown, second.State);
        Assert.False(await server.WithDbAsync(db => db.WebAuthnChallenges.AnyAsync(c => c.Id == issued.Id)));
    }

    [Fact]
    public async Task Of_racing_consumers_of_one_challenge_exactly_one_wins()
    {
        var user = await NewUserAsync();
        for (var round = 0; round < 5; round++)
        {
            var issued = await server.WithScopeAsync(sp => sp.GetRequiredService<WebAuthnChallengeStore>()
                .IssueAsync(WebAuthnCeremony.SecondFactor, user.Id, UserVerificationPolicy.Preferred, false));
            var states = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
                server.WithScopeAsync(async sp => (await sp.GetRequiredService<WebAuthnChallengeStore>().ConsumeAsync(issued.Id, WebAuthnCeremony.SecondFactor, user.Id)).State))));
            Assert.Equal(1, states.Count(s => s == ChallengeState.Valid));
            Assert.All(states.Where(s => s != ChallengeState.Valid), s => Assert.Equal(ChallengeState.Unknown, s));
        }
    }

    [Fact]
    public async Task Of_racing_uses_of_one_totp_code_exactly_one_is_accepted()
    {
        var user = await NewUserAsync();
        var secret = await InScopeAsync(async (sp, _, u) =>
        {
            var enrollment = sp.GetRequiredService<TotpEnrollment>();
            var start = (await enrollment.BeginAsync(u)).Start!;
            var bytes = Base32Encoding.ToBytes(start.SecretBase32);
            // Confirm with the previous step's code, so the current and next steps stay unused.
            var previous = TotpCodes.Compute(bytes, TotpCodes.StepAt(DateTimeOffset.UtcNow) - 1);
            Assert.Equal(TotpEnrollmentOutcome.Confirmed, (await enrollment.ConfirmAsync(u, previous, Actor)).Outcome);
            return bytes;
        }, user);

        // The next step's code: still inside the ±1 window if a step boundary passes during the test.
        var code = TotpCodes.Compute(secret, TotpCodes.StepAt(DateTimeOffset.UtcNow) + 1);
        var checks = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
            InScopeAsync(async (sp, _, u) => (await sp.GetRequiredService<TotpVerification>().VerifyAsync(u, code, FactorPurpose.SignIn, Actor)).Check, user))));

        Assert.Equal(1, checks.Count(c => c == TotpCheck.Accepted));
        Assert.All(checks.Where(c => c != TotpCheck.Accepted), c => Assert.Equal(TotpCheck.Replayed, c));
        Assert.Equal(5, await server.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.UserId == user.Id && e.Type == AuditEventType.TotpReplayed)));
    }

    [Fact]
    public async Task Of_racing_uses_of_one_recovery_code_exactly_one_is_accepted()
    {
        var user = await NewUserAsync();
        var codes = await InScopeAsync((sp, _, u) => sp.GetRequiredService<RecoveryCodeGeneration>().GenerateAsync(u, Actor), user);
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
            InScopeAsync((sp, _, u) => sp.GetRequiredService<RecoveryCodeRedemption>().RedeemAsync(u, codes.Codes[0], Actor), user))));

        Assert.Equal(1, results.Count(r => r.Check == RecoveryCodeCheck.Accepted));
        Assert.All(results.Where(r => r.Check != RecoveryCodeCheck.Accepted), r => Assert.Equal(RecoveryCodeCheck.AlreadyUsed, r.Check));
        Assert.Equal(7, (await server.WithScopeAsync(sp => sp.GetRequiredService<TwoFactorStatusQuery>().GetAsync(user.Id))).RecoveryCodesRemaining);
    }

    [Fact]
    public async Task Totp_seeds_are_encrypted_with_a_key_kept_in_the_data_directory()
    {
        var user = await NewUserAsync();
        var secret = await InScopeAsync(async (sp, _, u) => Base32Encoding.ToBytes((await sp.GetRequiredService<TotpEnrollment>().BeginAsync(u)).Start!.SecretBase32), user);
        var stored = await server.WithDbAsync(db => db.TotpCredentials.AsNoTracking().SingleAsync(t => t.UserId == user.Id));
        Assert.False(stored.EncryptedSecret.AsSpan().IndexOf(secret) >= 0);
        var keyFile = Path.Combine(server.DataDirectory, "keys", "factor-secrets.key");
        Assert.True(File.Exists(keyFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }
        Assert.Equal(secret, await server.WithScopeAsync(sp => Task.FromResult(sp.GetRequiredService<TotpSecrets>().Unprotect(stored))));
    }
}

public sealed class SecondFactorStorageTestsSqlite(SqliteServer server) : SecondFactorStorageTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class SecondFactorStorageTestsPostgres(PostgresServer server) : SecondFactorStorageTests<PostgresServer>(server), IClassFixture<PostgresServer>;
