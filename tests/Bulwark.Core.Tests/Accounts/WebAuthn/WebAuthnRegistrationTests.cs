using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Accounts.WebAuthn;
using Bulwark.Core.Audit;
using Bulwark.Tests.Shared.SecondFactors;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Tests.Accounts.SecondFactors;

/// <summary>Relying-party checks of WebAuthn §7.1 (registration), each with a response built to fail it.</summary>
public sealed class WebAuthnRegistrationTests : IDisposable
{
    private readonly FactorTestContext _ctx = new();
    private readonly TestAuthenticator _key = new();

    public void Dispose()
    {
        _key.Dispose();
        _ctx.Dispose();
    }

    private async Task<WebAuthnRegistrationResult> RegisterAsync(User user, Func<string, string> respond, bool passkey = false, string? name = "YubiKey")
    {
        var start = await _ctx.Registration.BeginAsync(user, passkey);
        return await _ctx.Registration.CompleteAsync(user, start.ChallengeId, respond(start.OptionsJson), name, _ctx.Actor);
    }

    private void AssertNothingStored(WebAuthnRegistrationResult result, WebAuthnOutcome expected)
    {
        Assert.Equal(expected, result.Outcome);
        Assert.False(result.Succeeded);
        Assert.Equal(0, _ctx.Db.WebAuthnCredentials.Count());
        Assert.Equal(AuditEventType.WebAuthnRegistrationFailed, _ctx.AuditTypes().Last());
        Assert.DoesNotContain(_ctx.Notifier.Notices, n => n.Kind == FactorNoticeKind.FactorAdded);
    }

    [Fact]
    public async Task A_valid_security_key_is_stored_with_its_properties()
    {
        var user = _ctx.AddUser();
        var start = await _ctx.Registration.BeginAsync(user, passkey: false);
        Assert.Equal(32, TestAuthenticator.ChallengeOf(start.OptionsJson).Length);
        Assert.Contains("\"attestation\":\"none\"", start.OptionsJson);
        Assert.Equal(_ctx.Time.GetUtcNow() + TimeSpan.FromMinutes(5), start.ExpiresAt);

        var result = await _ctx.Registration.CompleteAsync(user, start.ChallengeId, _key.Register(start.OptionsJson, flags: AuthFlags.UP), "  Blue key\n ", _ctx.Actor);

        Assert.Equal(WebAuthnOutcome.Success, result.Outcome);
        var stored = await _ctx.Db.WebAuthnCredentials.AsNoTracking().SingleAsync();
        Assert.Equal(_key.CredentialId, stored.CredentialId);
        Assert.Equal(user.Id, stored.UserId);
        Assert.Equal("Blue key", stored.Name);
        Assert.Equal("none", stored.AttestationFormat);
        Assert.Equal(WebAuthnTransports.Usb | WebAuthnTransports.Nfc, stored.Transports);
        Assert.False(stored.IsDiscoverable);
        Assert.False(stored.UserVerifiedAtRegistration);
        Assert.Null(stored.FlaggedAsPossibleCloneAt);
        // The user handle the browser got is the account's random 64 bytes, not its name.
        Assert.Equal(user.WebAuthnUserHandle, _key.UserHandle);
        Assert.Equal(64, _key.UserHandle!.Length);
        Assert.True(result.OwnerNotified);
        Assert.Equal(AuditEventType.FactorAdded, _ctx.AuditTypes().Last());
        var status = await _ctx.Status.GetAsync(user.Id);
        Assert.Equal(1, status.SecurityKeyCount);
        Assert.True(status.HasPhishingResistantFactor);
    }

    [Fact]
    public async Task A_passkey_is_discoverable_user_verified_and_counts_as_such()
    {
        var user = _ctx.AddUser();
        var start = await _ctx.Registration.BeginAsync(user, passkey: true);
        Assert.Contains("\"residentKey\":\"required\"", start.OptionsJson);
        Assert.Contains("\"userVerification\":\"required\"", start.OptionsJson);

        var result = await _ctx.Registration.CompleteAsync(user, start.ChallengeId, _key.Register(start.OptionsJson, residentKey: true), null, _ctx.Actor);

        Assert.Equal(WebAuthnOutcome.Success, result.Outcome);
        Assert.True(result.Credential!.IsDiscoverable);
        Assert.True(result.Credential.UserVerifiedAtRegistration);
        Assert.Equal("Passkey", result.Credential.Name);
        Assert.Equal(1, (await _ctx.Status.GetAsync(user.Id)).PasskeyCount);
    }

    [Theory]
    [InlineData("https://bulwark.example.evil.test")]
    [InlineData("https://evil.test")]
    [InlineData("http://bulwark.example")]
    [InlineData("https://bulwark.example:8443")]
    public async Task A_forged_origin_is_refused(string origin)
    {
        var user = _ctx.AddUser();
        var result = await RegisterAsync(user, o => _key.Register(o, origin: origin));
        AssertNothingStored(result, WebAuthnOutcome.OriginMismatch);
        // The safe message does not echo what the server expected.
        Assert.DoesNotContain("bulwark.example", result.Message);
    }

    [Fact]
    public async Task A_wrong_rp_id_hash_is_refused()
    {
        var user = _ctx.AddUser();
        AssertNothingStored(await RegisterAsync(user, o => _key.Register(o, rpId: "evil.test")), WebAuthnOutcome.RpIdMismatch);
    }

    [Fact]
    public async Task A_response_to_another_challenge_is_refused()
    {
        var user = _ctx.AddUser();
        AssertNothingStored(await RegisterAsync(user, o => _key.Register(o, challenge: new byte[32])), WebAuthnOutcome.ChallengeMismatch);
    }

    [Fact]
    public async Task An_assertion_type_is_refused_at_registration()
    {
        var user = _ctx.AddUser();
        AssertNothingStored(await RegisterAsync(user, o => _key.Register(o, type: "webauthn.get")), WebAuthnOutcome.Malformed);
    }

    [Fact]
    public async Task User_presence_missing_is_refused()
    {
        var user = _ctx.AddUser();
        AssertNothingStored(await RegisterAsync(user, o => _key.Register(o, flags: AuthFlags.UV)), WebAuthnOutcome.UserPresenceMissing);
    }

    [Fact]
    public async Task User_verification_missing_is_refused_for_a_passkey()
    {
        var user = _ctx.AddUser();
        AssertNothingStored(await RegisterAsync(user, o => _key.Register(o, flags: AuthFlags.UP), passkey: true), WebAuthnOutcome.UserVerificationMissing);
    }

    [Fact]
    public async Task User_verification_missing_is_refused_when_the_policy_requires_it()
    {
        using var ctx = new FactorTestContext(webAuthn: o => o.UserVerification = UserVerificationPolicy.Required);
        var user = ctx.AddUser();
        var start = await ctx.Registration.BeginAsync(user, passkey: false);
        var result = await ctx.Registration.CompleteAsync(user, start.ChallengeId, _key.Register(start.OptionsJson, flags: AuthFlags.UP), null, ctx.Actor);
        Assert.Equal(WebAuthnOutcome.UserVerificationMissing, result.Outcome);
    }

    [Fact]
    public async Task A_challenge_cannot_be_answered_twice()
    {
        var user = _ctx.AddUser();
        var start = await _ctx.Registration.BeginAsync(user, false);
        Assert.True((await _ctx.Registration.CompleteAsync(user, start.ChallengeId, _key.Register(start.OptionsJson), null, _ctx.Actor)).Succeeded);

        using var second = new TestAuthenticator();
        var again = await _ctx.Registration.CompleteAsync(user, start.ChallengeId, second.Register(start.OptionsJson), null, _ctx.Actor);

        Assert.Equal(WebAuthnOutcome.ChallengeUnknown, again.Outcome);
        Assert.Equal(1, _ctx.Db.WebAuthnCredentials.Count());
    }

    [Fact]
    public async Task A_failed_answer_also_uses_up_the_challenge()
    {
        var user = _ctx.AddUser();
        var start = await _ctx.Registration.BeginAsync(user, false);
        Assert.Equal(WebAuthnOutcome.OriginMismatch, (await _ctx.Registration.CompleteAsync(user, start.ChallengeId, _key.Register(start.OptionsJson, origin: "https://evil.test"), null, _ctx.Actor)).Outcome);
        Assert.Equal(WebAuthnOutcome.ChallengeUnknown, (await _ctx.Registration.CompleteAsync(user, start.ChallengeId, _key.Register(start.OptionsJson), null, _ctx.Actor)).Outcome);
    }

    [Fact]
    public async Task An_expired_challenge_is_refused()
    {
        var user = _ctx.AddUser();
        var start = await _ctx.Registration.BeginAsync(user, false);
        _ctx.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        AssertNothingStored(await _ctx.Registration.CompleteAsync(user, start.ChallengeId, _key.Register(start.OptionsJson), null, _ctx.Actor), WebAuthnOutcome.ChallengeExpired);
    }

    [Fact]
    public async Task A_challenge_issued_to_one_user_cannot_be_completed_by_another()
    {
        var alice = _ctx.AddUser("alice");
        var mallory = _ctx.AddUser("mallory");
        var start = await _ctx.Registration.BeginAsync(alice, false);
        var result = await _ctx.Registration.CompleteAsync(mallory, start.ChallengeId, _key.Register(start.OptionsJson), null, _ctx.Actor);
        AssertNothingStored(result, WebAuthnOutcome.ChallengeMismatch);
    }

    [Fact]
    public async Task A_credential_id_registered_to_another_user_is_refused()
    {
        var alice = _ctx.AddUser("alice");
        var bob = _ctx.AddUser("bob");
        Assert.True((await RegisterAsync(alice, o => _key.Register(o))).Succeeded);

        using var copy = new TestAuthenticator(credentialId: _key.CredentialId);
        var result = await RegisterAsync(bob, o => copy.Register(o));

        Assert.Equal(WebAuthnOutcome.DuplicateCredential, result.Outcome);
        Assert.Equal(alice.Id, (await _ctx.Db.WebAuthnCredentials.AsNoTracking().SingleAsync()).UserId);
        Assert.Equal(AuditEventType.WebAuthnRegistrationFailed, _ctx.AuditTypes().Last());
    }

    [Fact]
    public async Task The_same_credential_twice_on_one_account_is_refused_and_excluded_in_the_options()
    {
        var user = _ctx.AddUser();
        Assert.True((await RegisterAsync(user, o => _key.Register(o))).Succeeded);
        var start = await _ctx.Registration.BeginAsync(user, false);
        Assert.Contains(System.Buffers.Text.Base64Url.EncodeToString(_key.CredentialId), start.OptionsJson);
        var again = await _ctx.Registration.CompleteAsync(user, start.ChallengeId, _key.Register(start.OptionsJson), null, _ctx.Actor);
        Assert.Equal(WebAuthnOutcome.DuplicateCredential, again.Outcome);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("not json")]
    [InlineData("{\"id\":\"AA\",\"rawId\":\"AA\",\"type\":\"public-key\",\"response\":{\"attestationObject\":\"AAAA\",\"clientDataJSON\":\"AAAA\",\"transports\":[]},\"clientExtensionResults\":{}}")]
    public async Task Malformed_responses_are_refused_without_detail(string json)
    {
        var user = _ctx.AddUser();
        var result = await RegisterAsync(user, _ => json);
        AssertNothingStored(result, WebAuthnOutcome.Malformed);
        Assert.Equal("The security key's answer could not be verified. Try again.", result.Message);
    }

    [Fact]
    public async Task Required_attestation_refuses_format_none()
    {
        using var ctx = new FactorTestContext(webAuthn: o => o.RequireAttestation = true);
        var user = ctx.AddUser();
        var start = await ctx.Registration.BeginAsync(user, false);
        Assert.Contains("\"attestation\":\"direct\"", start.OptionsJson);
        var result = await ctx.Registration.CompleteAsync(user, start.ChallengeId, _key.Register(start.OptionsJson), null, ctx.Actor);
        Assert.Equal(WebAuthnOutcome.AttestationRequired, result.Outcome);
        Assert.Equal(0, ctx.Db.WebAuthnCredentials.Count());
    }

    [Fact]
    public async Task An_aaguid_allow_list_refuses_other_authenticators_and_accepts_listed_ones()
    {
        var listed = Guid.Parse("cb69481e-8ff7-4039-93ec-0a2729a154a8");
        using var ctx = new FactorTestContext(webAuthn: o => o.AllowedAaguids = [listed]);
        var user = ctx.AddUser();

        var start = await ctx.Registration.BeginAsync(user, false);
        var refused = await ctx.Registration.CompleteAsync(user, start.ChallengeId, _key.Register(start.OptionsJson), null, ctx.Actor);
        Assert.Equal(WebAuthnOutcome.AuthenticatorNotAllowed, refused.Outcome);

        using var yubikey = new TestAuthenticator(aaguid: listed);
        start = await ctx.Registration.BeginAsync(user, false);
        var accepted = await ctx.Registration.CompleteAsync(user, start.ChallengeId, yubikey.Register(start.OptionsJson), null, ctx.Actor);
        Assert.Equal(WebAuthnOutcome.Success, accepted.Outcome);
        Assert.Equal(listed, accepted.Credential!.Aaguid);
    }

    [Theory]
    [InlineData("https://bulwark.example", null, "bulwark.example")]
    [InlineData("https://pypi.corp.example", "corp.example", "corp.example")]
    [InlineData("http://localhost:5000", null, "localhost")]
    public void Settings_default_from_the_public_url(string publicUrl, string? rpId, string expectedRpId)
    {
        var settings = WebAuthnSettings.Resolve(new WebAuthnOptions { RelyingPartyId = rpId }, new Uri(publicUrl));
        Assert.Equal(expectedRpId, settings.RelyingPartyId);
        Assert.Equal([new Uri(publicUrl).GetLeftPart(UriPartial.Authority)], settings.Origins);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.ChallengeLifetime);
    }

    [Theory]
    [InlineData("bulwark.example", "https://evil.test")]
    [InlineData("bulwark.example", "http://bulwark.example")]
    [InlineData("bulwark.example", "https://notbulwark.example")]
    public void Settings_refuse_origins_the_rp_id_cannot_serve(string rpId, string origin)
    {
        var e = Assert.Throws<InvalidOperationException>(() => WebAuthnSettings.Resolve(new WebAuthnOptions { RelyingPartyId = rpId, Origins = [origin] }, new Uri("https://bulwark.example")));
        Assert.Contains(origin, e.Message);
    }

    [Fact]
    public void Settings_refuse_a_challenge_lifetime_over_five_minutes()
    {
        Assert.Throws<InvalidOperationException>(() => WebAuthnSettings.Resolve(new WebAuthnOptions { ChallengeLifetime = TimeSpan.FromMinutes(6) }, new Uri("https://bulwark.example")));
    }
}
