using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Policies;

namespace Bulwark.Core.Tests.Policies;

public sealed class TwoFactorMandateTests
{
    private static readonly DateTimeOffset Since = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Uri Security = new("https://index.example/account/security");

    private static readonly TwoFactorStatus NoFactor = TwoFactorStatus.None;
    private static readonly TwoFactorStatus Totp = new(true, 0, 0, 8, true);
    private static readonly TwoFactorStatus Key = new(false, 1, 0, 8, true);
    private static readonly TwoFactorStatus TotpWithoutSavedCodes = new(true, 0, 0, 8, false);

    private static MandateSubject Person(TwoFactorStatus factors, bool admin = false) => new("alice", false, admin, factors);
    private static readonly MandateSubject Automation = new("ci-bot", true, false, NoFactor);

    private static MandateProject Plain(string name = "plain") =>
        new(name, new CriticalProjectStatus(1, name, null, null, CriticalStage.NotCritical), false);

    private static MandateProject Critical(CriticalStage stage, string name = "numpy") =>
        new(name, new CriticalProjectStatus(2, name, Since, Since.AddDays(30), stage), false);

    private static MandateProject PhishingResistantOnly(string name = "guarded") =>
        new(name, new CriticalProjectStatus(3, name, null, null, CriticalStage.NotCritical), true);

    private static TwoFactorMandateOptions Options(bool all = true, bool prForCritical = false) =>
        new() { RequireTwoFactorForAll = all, PhishingResistantForCritical = prForCritical };

    private static MandateDecision Decide(MandateAction action, MandateSubject who, MandateProject[] projects, MandateCredential credential, TwoFactorMandateOptions options) =>
        TwoFactorMandate.Decide(action, who, projects, credential, options, Security);

    [Theory]
    [InlineData(MandateAction.Upload)]
    [InlineData(MandateAction.CreateToken)]
    [InlineData(MandateAction.ManageProject)]
    public void Site_rule_refuses_accounts_without_2FA_and_says_how_to_comply(MandateAction action)
    {
        var credential = action == MandateAction.Upload ? MandateCredential.Token(false) : MandateCredential.Session(false);
        var refused = Decide(action, Person(NoFactor), [Plain()], credential, Options());
        Assert.False(refused.Allowed);
        Assert.Equal(MandateRule.RequireTwoFactorForAll, refused.Rule);
        Assert.Contains("two-factor authentication required for all users", refused.Message);
        Assert.Contains("https://index.example/account/security", refused.Message);
        Assert.Contains("'alice'", refused.Message);

        Assert.True(Decide(action, Person(Totp), [Plain()], credential, Options()).Allowed);
        Assert.True(Decide(action, Person(NoFactor), [Plain()], credential, Options(all: false)).Allowed);
    }

    [Fact]
    public void A_factor_without_confirmed_recovery_codes_does_not_count()
    {
        var refused = Decide(MandateAction.Upload, Person(TotpWithoutSavedCodes), [Plain()], MandateCredential.Token(false), Options());
        Assert.False(refused.Allowed);
        Assert.Contains("recovery codes", refused.Message);
    }

    [Fact]
    public void Automation_accounts_are_exempt_from_the_2FA_rules()
    {
        Assert.True(Decide(MandateAction.Upload, Automation, [Plain()], MandateCredential.Token(false), Options()).Allowed);
        Assert.True(Decide(MandateAction.Upload, Automation, [Critical(CriticalStage.Enforced)], MandateCredential.Token(false), Options()).Allowed);
        // Their tokens are operator-minted: nothing a phishing page could have relayed.
        Assert.True(Decide(MandateAction.Upload, Automation, [PhishingResistantOnly()], MandateCredential.Token(false), Options()).Allowed);
        Assert.False(TwoFactorMandate.RequiresFactor(Automation, [Critical(CriticalStage.Enforced)], Options()));
    }

    [Fact]
    public void Critical_project_past_grace_refuses_with_the_rule_and_the_deadline_even_with_the_site_rule_off()
    {
        var refused = Decide(MandateAction.Upload, Person(NoFactor), [Critical(CriticalStage.Enforced)], MandateCredential.Token(false), Options(all: false));
        Assert.False(refused.Allowed);
        Assert.Equal(MandateRule.CriticalProject, refused.Rule);
        Assert.Contains("'numpy' is a critical project", refused.Message);
        Assert.Contains("enforced since 2026-03-31 12:00 UTC", refused.Message);
        Assert.Contains("https://index.example/account/security", refused.Message);
        Assert.True(Decide(MandateAction.Upload, Person(Totp), [Critical(CriticalStage.Enforced)], MandateCredential.Token(false), Options(all: false)).Allowed);
    }

    [Fact]
    public void Critical_rule_is_named_before_the_site_rule()
    {
        var refused = Decide(MandateAction.ManageProject, Person(NoFactor), [Critical(CriticalStage.Enforced)], MandateCredential.Session(false), Options());
        Assert.Equal(MandateRule.CriticalProject, refused.Rule);
    }

    [Fact]
    public void During_the_grace_period_the_action_is_allowed_with_a_warning_that_names_the_deadline()
    {
        var decision = Decide(MandateAction.Upload, Person(NoFactor), [Critical(CriticalStage.GracePeriod)], MandateCredential.Token(false), Options(all: false));
        Assert.True(decision.Allowed);
        var warning = Assert.Single(decision.Warnings);
        Assert.Contains("from 2026-03-31 12:00 UTC", warning);
        Assert.Empty(Decide(MandateAction.Upload, Person(Totp), [Critical(CriticalStage.GracePeriod)], MandateCredential.Token(false), Options(all: false)).Warnings);
    }

    [Theory]
    [InlineData(MandateAction.ManageProject)]
    [InlineData(MandateAction.CreateToken)]
    [InlineData(MandateAction.ApproveTrustedPublisher)]
    public void Phishing_resistant_only_refuses_a_TOTP_session_and_explains_relaying(MandateAction action)
    {
        var refused = Decide(action, Person(Totp), [PhishingResistantOnly()], MandateCredential.Session(false), Options());
        Assert.False(refused.Allowed);
        Assert.Equal(MandateRule.PhishingResistantOnly, refused.Rule);
        Assert.Contains("relayed", refused.Message);
        Assert.Contains("Add a security key or passkey", refused.Message);

        // A user who has a key is told to sign in with it instead.
        Assert.Contains("sign in again with your security key", Decide(action, Person(Key), [PhishingResistantOnly()], MandateCredential.Session(false), Options()).Message);
        Assert.True(Decide(action, Person(Key), [PhishingResistantOnly()], MandateCredential.Session(true), Options()).Allowed);
    }

    [Fact]
    public void Phishing_resistant_only_uploads_need_a_token_minted_phishing_resistant()
    {
        var refused = Decide(MandateAction.Upload, Person(Key), [PhishingResistantOnly()], MandateCredential.Token(false), Options());
        Assert.Equal(MandateRule.PhishingResistantOnly, refused.Rule);
        Assert.Contains("create a new token", refused.Message);
        Assert.True(Decide(MandateAction.Upload, Person(Key), [PhishingResistantOnly()], MandateCredential.Token(true), Options()).Allowed);
    }

    [Fact]
    public void The_operator_can_make_phishing_resistant_only_the_default_for_critical_projects()
    {
        var critical = Critical(CriticalStage.Enforced);
        Assert.True(Decide(MandateAction.ManageProject, Person(Totp), [critical], MandateCredential.Session(false), Options()).Allowed);
        var refused = Decide(MandateAction.ManageProject, Person(Totp), [critical], MandateCredential.Session(false), Options(prForCritical: true));
        Assert.Equal(MandateRule.PhishingResistantOnly, refused.Rule);
        // Not for projects that are not critical.
        Assert.True(Decide(MandateAction.ManageProject, Person(Totp), [Plain()], MandateCredential.Session(false), Options(prForCritical: true)).Allowed);
    }

    [Fact]
    public void Admin_area_needs_a_phishing_resistant_session()
    {
        var refused = Decide(MandateAction.Admin, Person(Totp, admin: true), [], MandateCredential.Session(false), Options(all: false));
        Assert.False(refused.Allowed);
        Assert.Equal(MandateRule.AdminPhishingResistant, refused.Rule);
        Assert.Contains("security key or passkey", refused.Message);
        Assert.True(Decide(MandateAction.Admin, Person(Key, admin: true), [], MandateCredential.Session(true), Options(all: false)).Allowed);
    }

    [Fact]
    public void Who_must_keep_a_factor()
    {
        Assert.True(TwoFactorMandate.RequiresFactor(Person(Totp), [], Options()));
        Assert.False(TwoFactorMandate.RequiresFactor(Person(Totp), [], Options(all: false)));
        Assert.True(TwoFactorMandate.RequiresFactor(Person(Totp), [Critical(CriticalStage.GracePeriod)], Options(all: false)));
        Assert.True(TwoFactorMandate.RequiresFactor(Person(Key, admin: true), [], Options(all: false)));
    }
}
