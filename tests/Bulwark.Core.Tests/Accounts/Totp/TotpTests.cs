using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Totp;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Audit;
using Microsoft.EntityFrameworkCore;
using OtpNet;

namespace Bulwark.Core.Tests.Accounts.SecondFactors;

/// <summary>
/// TOTP windows and replay, with codes from oathtool at fixed times. Baseline rows "TOTP" and "TOTP enrollment".
/// </summary>
public sealed class TotpTests : IDisposable
{
    // 5 s into a 30 s step, so ±k steps are unambiguous.
    private static readonly DateTimeOffset T = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly FactorTestContext _ctx = new(T.AddHours(-1));

    public void Dispose() => _ctx.Dispose();

    /// <summary>Enrols an authenticator an hour before <see cref="T"/>, confirmed with an oathtool code, then moves the clock to T.</summary>
    private async Task<(User User, string Secret)> EnrolledAsync()
    {
        var user = _ctx.AddUser();
        var begun = await _ctx.TotpEnrollment.BeginAsync(user);
        Assert.Equal(TotpEnrollmentOutcome.Started, begun.Outcome);
        var secret = begun.Start!.SecretBase32;
        var confirmed = await _ctx.TotpEnrollment.ConfirmAsync(user, Oathtool.Totp(secret, _ctx.Time.GetUtcNow()), _ctx.Actor);
        Assert.Equal(TotpEnrollmentOutcome.Confirmed, confirmed.Outcome);
        _ctx.Time.SetUtcNow(T);
        return (user, secret);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1)]
    public async Task Current_step_and_one_step_either_side_are_accepted(int offset)
    {
        var (user, secret) = await EnrolledAsync();
        var result = await _ctx.TotpVerification.VerifyAsync(user, Oathtool.Totp(secret, T.AddSeconds(30 * offset)), FactorPurpose.SignIn, _ctx.Actor);
        Assert.Equal(TotpCheck.Accepted, result.Check);
        var stored = await _ctx.Db.TotpCredentials.AsNoTracking().SingleAsync();
        Assert.Equal(TotpCodes.StepAt(T) + offset, stored.LastAcceptedStep);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(-2)]
    [InlineData(5)]
    [InlineData(-7)]
    [InlineData(10)]
    [InlineData(-10)]
    public async Task Two_to_ten_steps_away_is_out_of_sync_with_a_hint(int offset)
    {
        var (user, secret) = await EnrolledAsync();
        var result = await _ctx.TotpVerification.VerifyAsync(user, Oathtool.Totp(secret, T.AddSeconds(30 * offset)), FactorPurpose.SignIn, _ctx.Actor);
        Assert.Equal(TotpCheck.OutOfSync, result.Check);
        Assert.False(result.Succeeded);
        Assert.Contains("clock", result.Message);
        Assert.Equal(AuditEventType.TotpOutOfSync, _ctx.AuditTypes().Last());
        // Nothing was accepted, so the replay marker did not move.
        var stored = await _ctx.Db.TotpCredentials.AsNoTracking().SingleAsync();
        Assert.Equal(TotpCodes.StepAt(T.AddHours(-1)), stored.LastAcceptedStep);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(-11)]
    [InlineData(40)]
    public async Task Eleven_or_more_steps_away_is_invalid(int offset)
    {
        var (user, secret) = await EnrolledAsync();
        var result = await _ctx.TotpVerification.VerifyAsync(user, Oathtool.Totp(secret, T.AddSeconds(30 * offset)), FactorPurpose.SignIn, _ctx.Actor);
        Assert.Equal(TotpCheck.Invalid, result.Check);
        Assert.Equal(AuditEventType.SecondFactorFailed, _ctx.AuditTypes().Last());
    }

    [Fact]
    public async Task The_same_step_twice_is_a_replay_audited_and_reported_to_the_owner()
    {
        var (user, secret) = await EnrolledAsync();
        var code = Oathtool.Totp(secret, T);
        Assert.Equal(TotpCheck.Accepted, (await _ctx.TotpVerification.VerifyAsync(user, code, FactorPurpose.SignIn, _ctx.Actor)).Check);
        _ctx.Time.Advance(TimeSpan.FromSeconds(10)); // still the same step

        var again = await _ctx.TotpVerification.VerifyAsync(user, code, FactorPurpose.SignIn, _ctx.Actor);

        Assert.Equal(TotpCheck.Replayed, again.Check);
        Assert.True(again.OwnerNotified);
        Assert.Equal(AuditEventType.TotpReplayed, _ctx.AuditTypes().Last());
        var notice = Assert.Single(_ctx.Notifier.Notices, n => n.Kind == FactorNoticeKind.TotpReplayed);
        Assert.Equal(user.Id, notice.User.Id);
        Assert.Equal("203.0.113.7", notice.IpAddress);
    }

    [Fact]
    public async Task An_earlier_step_after_a_later_one_is_a_replay()
    {
        var (user, secret) = await EnrolledAsync();
        Assert.Equal(TotpCheck.Accepted, (await _ctx.TotpVerification.VerifyAsync(user, Oathtool.Totp(secret, T.AddSeconds(30)), FactorPurpose.SignIn, _ctx.Actor)).Check);

        var earlier = await _ctx.TotpVerification.VerifyAsync(user, Oathtool.Totp(secret, T), FactorPurpose.SignIn, _ctx.Actor);

        Assert.Equal(TotpCheck.Replayed, earlier.Check);
        Assert.Equal(AuditEventType.TotpReplayed, _ctx.AuditTypes().Last());
    }

    [Fact]
    public async Task The_accepted_code_presented_after_its_window_closed_is_still_a_replay()
    {
        var (user, secret) = await EnrolledAsync();
        var code = Oathtool.Totp(secret, T);
        Assert.True((await _ctx.TotpVerification.VerifyAsync(user, code, FactorPurpose.SignIn, _ctx.Actor)).Succeeded);
        _ctx.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(TotpCheck.Replayed, (await _ctx.TotpVerification.VerifyAsync(user, code, FactorPurpose.SignIn, _ctx.Actor)).Check);
    }

    [Fact]
    public async Task A_later_step_is_accepted_after_an_earlier_one()
    {
        var (user, secret) = await EnrolledAsync();
        Assert.True((await _ctx.TotpVerification.VerifyAsync(user, Oathtool.Totp(secret, T.AddSeconds(-30)), FactorPurpose.SignIn, _ctx.Actor)).Succeeded);
        Assert.True((await _ctx.TotpVerification.VerifyAsync(user, Oathtool.Totp(secret, T), FactorPurpose.SignIn, _ctx.Actor)).Succeeded);
        Assert.DoesNotContain(_ctx.Notifier.Notices, n => n.Kind == FactorNoticeKind.TotpReplayed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    public async Task Malformed_codes_are_invalid(string code)
    {
        var (user, _) = await EnrolledAsync();
        Assert.Equal(TotpCheck.Invalid, (await _ctx.TotpVerification.VerifyAsync(user, code, FactorPurpose.SignIn, _ctx.Actor)).Check);
    }

    [Fact]
    public async Task A_code_with_a_space_in_the_middle_is_accepted()
    {
        var (user, secret) = await EnrolledAsync();
        var code = Oathtool.Totp(secret, T);
        Assert.True((await _ctx.TotpVerification.VerifyAsync(user, code[..3] + " " + code[3..], FactorPurpose.SignIn, _ctx.Actor)).Succeeded);
    }

    [Fact]
    public async Task A_failed_step_up_is_audited_as_such()
    {
        var (user, secret) = await EnrolledAsync();
        await _ctx.TotpVerification.VerifyAsync(user, Oathtool.Totp(secret, T.AddHours(5)), FactorPurpose.StepUp, _ctx.Actor);
        Assert.Equal(AuditEventType.StepUpFailed, _ctx.AuditTypes().Last());
    }

    [Fact]
    public async Task Enrolment_offers_a_160_bit_secret_a_uri_and_a_qr_code_and_counts_only_once_confirmed()
    {
        var user = _ctx.AddUser();
        var begun = await _ctx.TotpEnrollment.BeginAsync(user);
        var start = begun.Start!;
        Assert.Equal(20, Base32Encoding.ToBytes(start.SecretBase32).Length);
        Assert.StartsWith("otpauth://totp/Bulwark%20Test:alice?secret=" + start.SecretBase32, start.OtpauthUri);
        Assert.Contains("algorithm=SHA1&digits=6&period=30", start.OtpauthUri);
        Assert.StartsWith("<svg", start.QrSvg.TrimStart().Replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "").TrimStart());
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], start.QrPng[..4]);

        // Pending: not a factor yet, and sign-in codes are refused.
        Assert.False((await _ctx.Status.GetAsync(user.Id)).HasTotp);
        var early = await _ctx.TotpVerification.VerifyAsync(user, Oathtool.Totp(start.SecretBase32, _ctx.Time.GetUtcNow()), FactorPurpose.SignIn, _ctx.Actor);
        Assert.True(early.NotEnrolled);

        var wrong = await _ctx.TotpEnrollment.ConfirmAsync(user, Oathtool.Totp(start.SecretBase32, _ctx.Time.GetUtcNow().AddHours(1)), _ctx.Actor);
        Assert.Equal(TotpEnrollmentOutcome.InvalidCode, wrong.Outcome);
        Assert.False((await _ctx.Status.GetAsync(user.Id)).HasTotp);

        var confirmed = await _ctx.TotpEnrollment.ConfirmAsync(user, Oathtool.Totp(start.SecretBase32, _ctx.Time.GetUtcNow()), _ctx.Actor);
        Assert.Equal(TotpEnrollmentOutcome.Confirmed, confirmed.Outcome);
        Assert.True(confirmed.OwnerNotified);
        Assert.True((await _ctx.Status.GetAsync(user.Id)).HasTotp);
        Assert.Contains(AuditEventType.FactorAdded, _ctx.AuditTypes());
        Assert.Contains(_ctx.Notifier.Notices, n => n.Kind == FactorNoticeKind.FactorAdded && n.Method == SecondFactorMethod.Totp);
        Assert.Equal(TotpEnrollmentOutcome.AlreadyEnrolled, (await _ctx.TotpEnrollment.BeginAsync(user)).Outcome);
    }

    [Fact]
    public async Task Enrolment_confirmation_reports_a_drifted_clock_and_expires()
    {
        var user = _ctx.AddUser();
        var secret = (await _ctx.TotpEnrollment.BeginAsync(user)).Start!.SecretBase32;
        var drifted = await _ctx.TotpEnrollment.ConfirmAsync(user, Oathtool.Totp(secret, _ctx.Time.GetUtcNow().AddMinutes(3)), _ctx.Actor);
        Assert.Equal(TotpEnrollmentOutcome.OutOfSync, drifted.Outcome);

        _ctx.Time.Advance(TotpEnrollment.PendingLifetime + TimeSpan.FromSeconds(1));
        var late = await _ctx.TotpEnrollment.ConfirmAsync(user, Oathtool.Totp(secret, _ctx.Time.GetUtcNow()), _ctx.Actor);
        Assert.Equal(TotpEnrollmentOutcome.NotStarted, late.Outcome);
    }

    [Fact]
    public async Task The_secret_is_stored_encrypted_and_bound_to_its_user()
    {
        var (user, secret) = await EnrolledAsync();
        var raw = Base32Encoding.ToBytes(secret);
        var stored = await _ctx.Db.TotpCredentials.AsNoTracking().SingleAsync();
        Assert.False(stored.EncryptedSecret.AsSpan().IndexOf(raw) >= 0, "the plaintext secret is in the row");
        Assert.Equal(raw, new TotpSecrets(_ctx.Protector).Unprotect(stored));
        // Moved to another account's row, the ciphertext no longer decrypts.
        stored.UserId = user.Id + 1;
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => new TotpSecrets(_ctx.Protector).Unprotect(stored));
    }

    [Fact]
    public void Otp_net_and_oathtool_agree_on_the_rfc_6238_test_vector_key()
    {
        // RFC 6238 appendix B's SHA-1 key "12345678901234567890"; 6-digit truncation of its 59 s vector 94287082.
        var key = "12345678901234567890"u8.ToArray();
        var at = DateTimeOffset.FromUnixTimeSeconds(59);
        Assert.Equal("287082", TotpCodes.Compute(key, TotpCodes.StepAt(at)));
        Assert.Equal("287082", Oathtool.Totp(Base32Encoding.ToString(key), at));
    }
}
