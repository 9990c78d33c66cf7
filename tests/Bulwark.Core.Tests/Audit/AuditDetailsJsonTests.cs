using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Audit;
using Bulwark.Core.Policies;
using Bulwark.Core.Projects;
using Bulwark.Core.TrustedPublishing;

namespace Bulwark.Core.Tests.Audit;

/// <summary>
/// The stored details keep the keys they had when call sites built the JSON themselves (tests, pages and operators
/// search them), and one value always gives the same text (the hash chain is computed over it).
/// </summary>
public class AuditDetailsJsonTests
{
    [Fact]
    public void Keys_are_the_ones_stored_before_details_were_typed()
    {
        Assert.Equal("""{"filename":"a-1.0.tar.gz","version":"1.0","sha256":"ab"}""",
            AuditDetailsJson.Serialize(new FileAuditDetails("a-1.0.tar.gz", "1.0", "ab")));
        Assert.Equal("""{"username":"bob","reason":"wrong password","knownBrowser":false,"hidden":true}""",
            AuditDetailsJson.Serialize(new LoginFailureDetails("bob", "wrong password", KnownBrowser: false, Hidden: true)));
        Assert.Equal("""{"session":7,"method":"Password","secondFactorPending":true,"via":"password"}""",
            AuditDetailsJson.Serialize(new LoginSuccessDetails(7, "Password", SecondFactorPending: true, Via: "password")));
        Assert.Equal("""{"oldEmail":"a@example.com","newEmail":"b@example.com"}""",
            AuditDetailsJson.Serialize(new EmailChangeDetails("a@example.com", "b@example.com")));
        Assert.Equal("""{"user":"carol","role":"Maintainer","invitedBy":"alice"}""",
            AuditDetailsJson.Serialize(new RoleAuditDetails("carol", "Maintainer", InvitedBy: "alice")));
        Assert.Equal("""{"method":"recovery-code","remaining":7}""",
            AuditDetailsJson.Serialize(FactorAuditDetails.Of("recovery-code", remaining: 7)));
        Assert.Equal("""{"project":"p","publisherId":3,"reason":"removed"}""",
            AuditDetailsJson.Serialize(new PublisherAuditDetails("p", null, 3, Reason: "removed")));
        Assert.Equal("""{"reason":"downloads","downloads":1000,"rank":1,"enforceAfter":"2026-01-02T00:00:00+00:00"}""",
            AuditDetailsJson.Serialize(new BecameCriticalDetails("downloads", 1000, 1, new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero), null)));
    }

    [Fact]
    public void Minted_token_details_keep_the_ref_and_run_id_keys()
    {
        var json = AuditDetailsJson.Serialize(new TokenMintedDetails("GitHub acme/app", 5, "repo:acme/app", "acme/app", "release.yml",
            "refs/tags/v1", "abc", "7000001", null, null));
        Assert.Equal("""{"publisher":"GitHub acme/app","publisherId":5,"subject":"repo:acme/app","repository":"acme/app","workflow":"release.yml","ref":"refs/tags/v1","sha":"abc","runId":"7000001"}""", json);
    }

    [Fact]
    public void Text_that_needs_escaping_is_escaped_the_same_way_every_time()
    {
        var details = new LinkRejectedDetails("Reset<Password>", "\"quoted\" & é");
        Assert.Equal("""{"purpose":"Reset\u003CPassword\u003E","reason":"\u0022quoted\u0022 \u0026 \u00E9"}""", AuditDetailsJson.Serialize(details));
        Assert.Equal(AuditDetailsJson.Serialize(details), AuditDetailsJson.Serialize(details with { }));
    }
}
