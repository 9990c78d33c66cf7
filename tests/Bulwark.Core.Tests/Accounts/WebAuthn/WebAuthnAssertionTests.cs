using System.Security.Cryptography;
using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Accounts.WebAuthn;
using Bulwark.Core.Audit;
using Bulwark.Tests.Shared.SecondFactors;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Tests.Accounts.SecondFactors;

/// <summary>Relying-party checks of WebAuthn §7.2 (assertion), for the second step, step-up and passkey sign-in.</summary>
public sealed class WebAuthnAssertionTests : IDisposable
{
    private readonly FactorTestContext _ctx = new();
    private readonly TestAuthenticator _key = new();

    public void Dispose()
    {
        _key.Dispose();
        _ctx.Dispose();
    }

    private async Task<User> UserWithKeyAsync(TestAuthenticator key, string name = "alice", bool passkey = false)
    {
        var user = await _ctx.Db.Users.FirstOrDefaultAsync(u => u.Username == name) ?? _ctx.AddUser(name);
        var start = await _ctx.Registration.BeginAsync(user, passkey);
        var result = await _ctx.Registration.CompleteAsync(user, start.ChallengeId, key.Register(start.OptionsJson, residentKey: passkey ? true : null), null, _ctx.Actor);
        Assert.True(result.Succeeded, result.Outcome.ToString());
        return user;
    }

    private async Task<WebAuthnAssertionResult> SecondFactorAsync(User user, Func<string, string> respond, FactorPurpose purpose = FactorPurpose.SignIn)
    {
        var start = await _ctx.Assertion.BeginAsync(user, purpose);
        Assert.NotNull(start);
        return await _ctx.Assertion.CompleteAsync(user, start.ChallengeId, respond(start.OptionsJson), purpose, _ctx.Actor);
    }

    private async Task<WebAuthnCredential> StoredAsync(TestAuthenticator key) =>
        await _ctx.Db.WebAuthnCredentials.AsNoTracking().SingleAsync(c => c.CredentialId == key.CredentialId);

    [Fact]
    public async Task A_valid_assertion_succeeds_and_updates_counter_and_last_use()
    {
        var user = await UserWithKeyAsync(_key);
        _ctx.Time.Advance(TimeSpan.FromMinutes(1));

        var result = await SecondFactorAsync(user, o => _key.SignAssertion(o, counter: 7));

        Assert.Equal(WebAuthnOutcome.Success, result.Outcome);
        Assert.Equal(user.Id, result.User!.Id);
        var stored = await StoredAsync(_key);
        Assert.Equal(7, stored.SignCount);
        Assert.Equal(_ctx.Time.GetUtcNow(), stored.LastUsedAt);
    }

    [Fact]
    public async Task The_options_list_only_the_users_usable_keys()
    {
        var user = await UserWithKeyAsync(_key);
        var start = await _ctx.Assertion.BeginAsync(user, FactorPurpose.SignIn);
        Assert.Contains(System.Buffers.Text.Base64Url.EncodeToString(_key.CredentialId), start!.OptionsJson);
        Assert.Contains("\"rpId\":\"bulwark.example\"", start.OptionsJson);
        Assert.Null(await _ctx.Assertion.BeginAsync(_ctx.AddUser("nokeys"), FactorPurpose.SignIn));
    }

    [Theory]
    [InlineData("https://bulwark.example.evil.test")]
    [InlineData("https://evil.test")]
    [InlineData("http://127.0.0.2:8080")]
    public async Task A_forged_origin_is_refused_as_through_a_phishing_proxy(string origin)
    {
        var user = await UserWithKeyAsync(_key);
        var result = await SecondFactorAsync(user, o => _key.SignAssertion(o, origin: origin));
        Assert.Equal(WebAuthnOutcome.OriginMismatch, result.Outcome);
        Assert.Null(result.User);
        Assert.Equal(AuditEventType.WebAuthnAssertionFailed, _ctx.AuditTypes().Last());
        Assert.Equal(0, (await StoredAsync(_key)).SignCount);
    }

    [Fact]
    public async Task A_wrong_rp_id_hash_is_refused()
    {
        var user = await UserWithKeyAsync(_key);
        Assert.Equal(WebAuthnOutcome.RpIdMismatch, (await SecondFactorAsync(user, o => _key.SignAssertion(o, rpId: "evil.test"))).Outcome);
    }

    [Fact]
    public async Task A_signature_over_another_challenge_is_refused()
    {
        var user = await UserWithKeyAsync(_key);
        Assert.Equal(WebAuthnOutcome.ChallengeMismatch, (await SecondFactorAsync(user, o => _key.SignAssertion(o, challenge: RandomNumberGenerator.GetBytes(32)))).Outcome);
    }

    [Fact]
    public async Task A_registration_type_is_refused_at_assertion()
    {
        var user = await UserWithKeyAsync(_key);
        Assert.Equal(WebAuthnOutcome.Malformed, (await SecondFactorAsync(user, o => _key.SignAssertion(o, type: "webauthn.create"))).Outcome);
    }

    [Fact]
    public async Task A_challenge_cannot_be_answered_twice()
    {
        var user = await UserWithKeyAsync(_key);
        var start = (await _ctx.Assertion.BeginAsync(user, FactorPurpose.SignIn))!;
        Assert.True((await _ctx.Assertion.CompleteAsync(user, start.ChallengeId, _key.SignAssertion(start.OptionsJson), FactorPurpose.SignIn, _ctx.Actor)).Succeeded);

        var replay = await _ctx.Assertion.CompleteAsync(user, start.ChallengeId, _key.SignAssertion(start.OptionsJson), FactorPurpose.SignIn, _ctx.Actor);

        Assert.Equal(WebAuthnOutcome.ChallengeUnknown, replay.Outcome);
    }

    [Fact]
    public async Task An_expired_challenge_is_refused()
    {
        var user = await UserWithKeyAsync(_key);
        var start = (await _ctx.Assertion.BeginAsync(user, FactorPurpose.SignIn))!;
        _ctx.Time.Advance(TimeSpan.FromMinutes(5));
        var result = await _ctx.Assertion.CompleteAsync(user, start.ChallengeId, _key.SignAssertion(start.OptionsJson), FactorPurpose.SignIn, _ctx.Actor);
        Assert.Equal(WebAuthnOutcome.ChallengeExpired, result.Outcome);
    }

    [Fact]
    public async Task A_second_factor_challenge_cannot_complete_a_step_up()
    {
        var user = await UserWithKeyAsync(_key);
        var start = (await _ctx.Assertion.BeginAsync(user, FactorPurpose.SignIn))!;
        var result = await _ctx.Assertion.CompleteAsync(user, start.ChallengeId, _key.SignAssertion(start.OptionsJson), FactorPurpose.StepUp, _ctx.Actor);
        Assert.Equal(WebAuthnOutcome.ChallengeMismatch, result.Outcome);
        Assert.Equal(AuditEventType.StepUpFailed, _ctx.AuditTypes().Last());
    }

    [Fact]
    public async Task User_presence_missing_is_refused()
    {
        var user = await UserWithKeyAsync(_key);
        Assert.Equal(WebAuthnOutcome.UserPresenceMissing, (await SecondFactorAsync(user, o => _key.SignAssertion(o, flags: AuthFlags.UV))).Outcome);
    }

    [Fact]
    public async Task User_verification_is_not_demanded_of_a_security_key_by_default()
    {
        var user = await UserWithKeyAsync(_key);
        var result = await SecondFactorAsync(user, o => _key.SignAssertion(o, flags: AuthFlags.UP));
        Assert.Equal(WebAuthnOutcome.Success, result.Outcome);
        Assert.False(result.UserVerified);
    }

    [Fact]
    public async Task User_verification_missing_is_refused_when_the_policy_requires_it()
    {
        using var ctx = new FactorTestContext(webAuthn: o => o.UserVerification = UserVerificationPolicy.Required);
        var user = ctx.AddUser();
        var reg = await ctx.Registration.BeginAsync(user, false);
        Assert.True((await ctx.Registration.CompleteAsync(user, reg.ChallengeId, _key.Register(reg.OptionsJson), null, ctx.Actor)).Succeeded);
        var start = (await ctx.Assertion.BeginAsync(user, FactorPurpose.SignIn))!;
        var result = await ctx.Assertion.CompleteAsync(user, start.ChallengeId, _key.SignAssertion(start.OptionsJson, flags: AuthFlags.UP), FactorPurpose.SignIn, ctx.Actor);
        Assert.Equal(WebAuthnOutcome.UserVerificationMissing, result.Outcome);
    }

    [Fact]
    public async Task A_signature_by_another_key_is_refused_and_does_not_flag_the_credential()
    {
        var user = await UserWithKeyAsync(_key);
        Assert.True((await SecondFactorAsync(user, o => _key.SignAssertion(o, counter: 10))).Succeeded);
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        // A forged assertion with a low counter must not be able to get the real key disabled.
        var result = await SecondFactorAsync(user, o => _key.SignAssertion(o, counter: 1, signWith: forger));

        Assert.Equal(WebAuthnOutcome.InvalidSignature, result.Outcome);
        var stored = await StoredAsync(_key);
        Assert.Null(stored.FlaggedAsPossibleCloneAt);
        Assert.Equal(10, stored.SignCount);
    }

    [Theory]
    [InlineData(5u, 5u)]
    [InlineData(5u, 3u)]
    [InlineData(5u, 0u)]
    public async Task A_counter_that_does_not_go_up_flags_the_key_audits_notifies_and_refuses(uint first, uint second)
    {
        var user = await UserWithKeyAsync(_key);
        Assert.True((await SecondFactorAsync(user, o => _key.SignAssertion(o, counter: first))).Succeeded);

        var result = await SecondFactorAsync(user, o => _key.SignAssertion(o, counter: second));

        Assert.Equal(WebAuthnOutcome.PossibleClone, result.Outcome);
        Assert.Null(result.User);
        Assert.True(result.OwnerNotified);
        var stored = await StoredAsync(_key);
        Assert.Equal(_ctx.Time.GetUtcNow(), stored.FlaggedAsPossibleCloneAt);
        Assert.Equal(first, (uint)stored.SignCount);
        Assert.Equal(AuditEventType.WebAuthnPossibleClone, _ctx.AuditTypes().Last());
        Assert.Contains(_ctx.Notifier.Notices, n => n.Kind == FactorNoticeKind.PossibleClonedKey && n.User.Id == user.Id);
        // Flagged keys are no longer a factor and are not offered.
        Assert.False((await _ctx.Status.GetAsync(user.Id)).HasAnyFactor);
        Assert.Null(await _ctx.Assertion.BeginAsync(user, FactorPurpose.SignIn));
    }

    [Fact]
    public async Task A_flagged_key_stays_refused_even_with_a_higher_counter()
    {
        using var other = new TestAuthenticator();
        var user = await UserWithKeyAsync(_key);
        await UserWithKeyAsync(other);
        Assert.True((await SecondFactorAsync(user, o => _key.SignAssertion(o, counter: 5))).Succeeded);
        Assert.Equal(WebAuthnOutcome.PossibleClone, (await SecondFactorAsync(user, o => _key.SignAssertion(o, counter: 5))).Outcome);

        var later = await SecondFactorAsync(user, o => _key.SignAssertion(o, counter: 50));

        Assert.Equal(WebAuthnOutcome.CredentialDisabled, later.Outcome);
        Assert.True((await SecondFactorAsync(user, o => other.SignAssertion(o))).Succeeded);
    }

    [Fact]
    public async Task Authenticators_without_a_counter_report_zero_every_time_and_are_accepted()
    {
        var user = await UserWithKeyAsync(_key);
        Assert.True((await SecondFactorAsync(user, o => _key.SignAssertion(o, counter: 0))).Succeeded);
        Assert.True((await SecondFactorAsync(user, o => _key.SignAssertion(o, counter: 0))).Succeeded);
        Assert.Null((await StoredAsync(_key)).FlaggedAsPossibleCloneAt);
    }

    [Fact]
    public async Task Another_users_key_cannot_be_the_second_factor()
    {
        using var mallorysKey = new TestAuthenticator();
        var alice = await UserWithKeyAsync(_key, "alice");
        await UserWithKeyAsync(mallorysKey, "mallory");

        var result = await SecondFactorAsync(alice, o => mallorysKey.SignAssertion(o));

        Assert.Equal(WebAuthnOutcome.WrongUser, result.Outcome);
        Assert.Null(result.User);
    }

    [Fact]
    public async Task A_wrong_user_handle_is_refused()
    {
        var user = await UserWithKeyAsync(_key);
        Assert.Equal(WebAuthnOutcome.WrongUser, (await SecondFactorAsync(user, o => _key.SignAssertion(o, userHandle: RandomNumberGenerator.GetBytes(64)))).Outcome);
    }

    [Fact]
    public async Task A_failed_step_up_is_audited_as_such()
    {
        var user = await UserWithKeyAsync(_key);
        var result = await SecondFactorAsync(user, o => _key.SignAssertion(o, origin: "https://evil.test"), FactorPurpose.StepUp);
        Assert.Equal(WebAuthnOutcome.OriginMismatch, result.Outcome);
        Assert.Equal(AuditEventType.StepUpFailed, _ctx.AuditTypes().Last());
        Assert.True((await SecondFactorAsync(user, o => _key.SignAssertion(o), FactorPurpose.StepUp)).Succeeded);
    }

    [Fact]
    public async Task A_passkey_signs_in_without_a_username()
    {
        var user = await UserWithKeyAsync(_key, passkey: true);
        var start = await _ctx.Assertion.BeginPasskeyAsync();
        Assert.Contains("\"allowCredentials\":[]", start.OptionsJson);
        Assert.Contains("\"userVerification\":\"required\"", start.OptionsJson);

        var result = await _ctx.Assertion.CompletePasskeyAsync(start.ChallengeId, _key.SignAssertion(start.OptionsJson), _ctx.Actor);

        Assert.Equal(WebAuthnOutcome.Success, result.Outcome);
        Assert.Equal(user.Id, result.User!.Id);
        Assert.True(result.UserVerified);
    }

    [Fact]
    public async Task A_passkey_sign_in_requires_user_verification()
    {
        await UserWithKeyAsync(_key, passkey: true);
        var start = await _ctx.Assertion.BeginPasskeyAsync();
        var result = await _ctx.Assertion.CompletePasskeyAsync(start.ChallengeId, _key.SignAssertion(start.OptionsJson, flags: AuthFlags.UP), _ctx.Actor);
        Assert.Equal(WebAuthnOutcome.UserVerificationMissing, result.Outcome);
        Assert.Null(result.User);
    }

    [Fact]
    public async Task A_passkey_sign_in_with_another_users_handle_is_refused()
    {
        await UserWithKeyAsync(_key, "alice", passkey: true);
        var bob = _ctx.AddUser("bob");
        var start = await _ctx.Assertion.BeginPasskeyAsync();
        var result = await _ctx.Assertion.CompletePasskeyAsync(start.ChallengeId, _key.SignAssertion(start.OptionsJson, userHandle: bob.WebAuthnUserHandle), _ctx.Actor);
        Assert.Equal(WebAuthnOutcome.WrongUser, result.Outcome);
        Assert.Null(result.User);
    }

    [Fact]
    public async Task A_passkey_sign_in_without_a_user_handle_is_refused()
    {
        await UserWithKeyAsync(_key, passkey: true);
        var start = await _ctx.Assertion.BeginPasskeyAsync();
        var result = await _ctx.Assertion.CompletePasskeyAsync(start.ChallengeId, _key.SignAssertion(start.OptionsJson, omitUserHandle: true), _ctx.Actor);
        Assert.Equal(WebAuthnOutcome.WrongUser, result.Outcome);
    }

    [Fact]
    public async Task A_passkey_sign_in_with_an_unknown_credential_is_refused()
    {
        var start = await _ctx.Assertion.BeginPasskeyAsync();
        _key.UserHandle = RandomNumberGenerator.GetBytes(64);
        var result = await _ctx.Assertion.CompletePasskeyAsync(start.ChallengeId, _key.SignAssertion(start.OptionsJson), _ctx.Actor);
        Assert.Equal(WebAuthnOutcome.UnknownCredential, result.Outcome);
        Assert.Equal(AuditEventType.WebAuthnAssertionFailed, _ctx.AuditTypes().Last());
    }

    [Fact]
    public async Task A_passkey_sign_in_from_a_forged_origin_is_refused()
    {
        await UserWithKeyAsync(_key, passkey: true);
        var start = await _ctx.Assertion.BeginPasskeyAsync();
        var result = await _ctx.Assertion.CompletePasskeyAsync(start.ChallengeId, _key.SignAssertion(start.OptionsJson, origin: "https://bulwark-example.test"), _ctx.Actor);
        Assert.Equal(WebAuthnOutcome.OriginMismatch, result.Outcome);
        Assert.Null(result.User);
    }

    [Fact]
    public async Task Removing_the_last_factor_is_refused_while_a_policy_needs_one()
    {
        var user = await UserWithKeyAsync(_key);
        var id = (await StoredAsync(_key)).Id;

        var refused = await _ctx.Removal.RemoveWebAuthnAsync(user, id, policyRequiresFactor: true, _ctx.Actor);
        Assert.Equal(FactorRemovalOutcome.LastFactorRequired, refused.Outcome);
        Assert.Equal(1, _ctx.Db.WebAuthnCredentials.Count());

        var removed = await _ctx.Removal.RemoveWebAuthnAsync(user, id, policyRequiresFactor: false, _ctx.Actor);
        Assert.Equal(FactorRemovalOutcome.Removed, removed.Outcome);
        Assert.True(removed.OwnerNotified);
        Assert.Equal(0, _ctx.Db.WebAuthnCredentials.Count());
        Assert.Equal(AuditEventType.FactorRemoved, _ctx.AuditTypes().Last());
    }

    [Fact]
    public async Task With_two_factors_one_can_go_under_a_policy_and_a_flagged_key_can_always_go()
    {
        var user = await UserWithKeyAsync(_key);
        var secret = (await _ctx.TotpEnrollment.BeginAsync(user)).Start!.SecretBase32;
        await _ctx.TotpEnrollment.ConfirmAsync(user, Oathtool.Totp(secret, _ctx.Time.GetUtcNow()), _ctx.Actor);
        Assert.Equal(2, (await _ctx.Status.GetAsync(user.Id)).FactorCount);

        Assert.True((await _ctx.Removal.RemoveTotpAsync(user, policyRequiresFactor: true, _ctx.Actor)).Succeeded);
        Assert.Equal(FactorRemovalOutcome.LastFactorRequired, (await _ctx.Removal.RemoveWebAuthnAsync(user, (await StoredAsync(_key)).Id, true, _ctx.Actor)).Outcome);

        Assert.True((await SecondFactorAsync(user, o => _key.SignAssertion(o, counter: 3))).Succeeded);
        Assert.Equal(WebAuthnOutcome.PossibleClone, (await SecondFactorAsync(user, o => _key.SignAssertion(o, counter: 3))).Outcome);
        Assert.True((await _ctx.Removal.RemoveWebAuthnAsync(user, (await StoredAsync(_key)).Id, true, _ctx.Actor)).Succeeded);
    }

    [Fact]
    public async Task Another_users_credential_cannot_be_removed()
    {
        var alice = await UserWithKeyAsync(_key, "alice");
        var mallory = _ctx.AddUser("mallory");
        var result = await _ctx.Removal.RemoveWebAuthnAsync(mallory, (await StoredAsync(_key)).Id, false, _ctx.Actor);
        Assert.Equal(FactorRemovalOutcome.NotFound, result.Outcome);
        Assert.Equal(alice.Id, (await StoredAsync(_key)).UserId);
    }
}
