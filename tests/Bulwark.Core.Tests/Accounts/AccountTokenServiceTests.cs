using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Tokens;

namespace Bulwark.Core.Tests.Accounts;

public sealed class AccountTokenServiceTests : IDisposable
{
    private readonly AccountTestContext _ctx = new();
    private readonly AccountTokenService _tokens;

    public AccountTokenServiceTests() => _tokens = new AccountTokenService(_ctx.Db, new AccountLinkOptions(), _ctx.Time);

    public void Dispose() => _ctx.Dispose();

    private async Task<IssuedAccountToken> IssueAsync(User user, AccountTokenPurpose purpose)
    {
        var issued = await _tokens.IssueAsync(user, purpose, user.Email);
        await _ctx.Db.SaveChangesAsync();
        return issued;
    }

    [Fact]
    public async Task Only_the_hash_of_a_256_bit_secret_is_stored()
    {
        var issued = await IssueAsync(_ctx.AddUser(), AccountTokenPurpose.VerifyEmail);
        Assert.Equal(43, issued.Secret.Length);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Buffers.Text.Base64Url.DecodeFromChars(issued.Secret)), issued.Token.SecretHash);
        Assert.DoesNotContain(_ctx.Db.AccountTokens, t => t.SecretHash.SequenceEqual(System.Text.Encoding.ASCII.GetBytes(issued.Secret)));
    }

    [Fact]
    public async Task Verification_link_lives_24_hours()
    {
        var issued = await IssueAsync(_ctx.AddUser(), AccountTokenPurpose.VerifyEmail);
        Assert.Equal(TimeSpan.FromHours(24), issued.ValidFor);
        _ctx.Time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        Assert.Equal(AccountTokenCheck.Valid, (await _tokens.PeekAsync(issued.Secret, AccountTokenPurpose.VerifyEmail)).Result);
        _ctx.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(AccountTokenCheck.Expired, (await _tokens.RedeemAsync(issued.Secret, AccountTokenPurpose.VerifyEmail)).Result);
    }

    [Fact]
    public async Task Reset_link_lives_one_hour()
    {
        var issued = await IssueAsync(_ctx.AddUser(), AccountTokenPurpose.ResetPassword);
        _ctx.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.True((await _tokens.PeekAsync(issued.Secret, AccountTokenPurpose.ResetPassword)).Succeeded);
        _ctx.Time.Advance(TimeSpan.FromMinutes(1));
        var late = await _tokens.RedeemAsync(issued.Secret, AccountTokenPurpose.ResetPassword);
        Assert.Equal(AccountTokenCheck.Expired, late.Result);
        Assert.Contains("expired", late.Message);
    }

    [Fact]
    public async Task A_link_works_once()
    {
        var issued = await IssueAsync(_ctx.AddUser(), AccountTokenPurpose.ResetPassword);
        Assert.True((await _tokens.RedeemAsync(issued.Secret, AccountTokenPurpose.ResetPassword)).Succeeded);
        var second = await _tokens.RedeemAsync(issued.Secret, AccountTokenPurpose.ResetPassword);
        Assert.Equal(AccountTokenCheck.Used, second.Result);
        Assert.Contains("already been used", second.Message);
    }

    [Fact]
    public async Task A_link_is_only_accepted_for_its_own_purpose()
    {
        var issued = await IssueAsync(_ctx.AddUser(), AccountTokenPurpose.VerifyEmail);
        Assert.Equal(AccountTokenCheck.Invalid, (await _tokens.RedeemAsync(issued.Secret, AccountTokenPurpose.ResetPassword)).Result);
        Assert.True((await _tokens.RedeemAsync(issued.Secret, AccountTokenPurpose.VerifyEmail)).Succeeded);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public async Task Unknown_or_malformed_links_are_invalid(string? secret)
    {
        await IssueAsync(_ctx.AddUser(), AccountTokenPurpose.VerifyEmail);
        var result = await _tokens.RedeemAsync(secret, AccountTokenPurpose.VerifyEmail);
        Assert.Equal(AccountTokenCheck.Invalid, result.Result);
        Assert.Null(result.Token);
    }

    [Fact]
    public async Task A_newer_link_supersedes_the_older_one()
    {
        var user = _ctx.AddUser();
        var first = await IssueAsync(user, AccountTokenPurpose.ResetPassword);
        var second = await IssueAsync(user, AccountTokenPurpose.ResetPassword);
        Assert.Equal(AccountTokenCheck.Superseded, (await _tokens.RedeemAsync(first.Secret, AccountTokenPurpose.ResetPassword)).Result);
        Assert.True((await _tokens.RedeemAsync(second.Secret, AccountTokenPurpose.ResetPassword)).Succeeded);
    }

    [Fact]
    public async Task Invalidating_outstanding_links_touches_only_that_user_and_purpose()
    {
        var alice = _ctx.AddUser("alice");
        var bob = _ctx.AddUser("bob");
        var aliceReset = await IssueAsync(alice, AccountTokenPurpose.ResetPassword);
        var aliceVerify = await IssueAsync(alice, AccountTokenPurpose.VerifyEmail);
        var bobReset = await IssueAsync(bob, AccountTokenPurpose.ResetPassword);
        Assert.Equal(1, await _tokens.InvalidateOutstandingAsync(alice.Id, AccountTokenPurpose.ResetPassword));
        _ctx.Db.ChangeTracker.Clear();
        Assert.Equal(AccountTokenCheck.Superseded, (await _tokens.PeekAsync(aliceReset.Secret, AccountTokenPurpose.ResetPassword)).Result);
        Assert.True((await _tokens.PeekAsync(aliceVerify.Secret, AccountTokenPurpose.VerifyEmail)).Succeeded);
        Assert.True((await _tokens.PeekAsync(bobReset.Secret, AccountTokenPurpose.ResetPassword)).Succeeded);
    }

    [Fact]
    public async Task Pruning_removes_links_expired_longer_than_the_retention_ago()
    {
        var user = _ctx.AddUser();
        var old = await IssueAsync(user, AccountTokenPurpose.ResetPassword);
        _ctx.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));
        var fresh = await IssueAsync(user, AccountTokenPurpose.VerifyEmail);
        await _tokens.PruneAsync();
        var left = _ctx.Db.AccountTokens.Select(t => t.Id).ToList();
        Assert.DoesNotContain(old.Token.Id, left);
        Assert.Contains(fresh.Token.Id, left);
    }

    [Fact]
    public async Task A_link_bound_to_a_browser_is_found_only_with_that_browser_and_lives_30_minutes()
    {
        var user = _ctx.AddUser();
        var (browser, _) = OpaqueSecret.Create();
        var (otherBrowser, _) = OpaqueSecret.Create();
        var issued = await _tokens.IssueAsync(user, AccountTokenPurpose.ContinueSignIn, null, binding: browser);
        await _ctx.Db.SaveChangesAsync();
        Assert.Equal(TimeSpan.FromMinutes(30), issued.ValidFor);
        // The stored hash is neither the link's nor the browser's.
        Assert.NotEqual(OpaqueSecret.Hash(issued.Secret), issued.Token.SecretHash);
        Assert.NotEqual(OpaqueSecret.Hash(browser), issued.Token.SecretHash);

        Assert.Equal(AccountTokenCheck.Invalid, (await _tokens.RedeemAsync(issued.Secret, AccountTokenPurpose.ContinueSignIn)).Result);
        Assert.Equal(AccountTokenCheck.Invalid, (await _tokens.RedeemAsync(issued.Secret, AccountTokenPurpose.ContinueSignIn, binding: otherBrowser)).Result);
        Assert.Equal(AccountTokenCheck.Invalid, (await _tokens.RedeemAsync(issued.Secret, AccountTokenPurpose.ContinueSignIn, binding: "not a secret")).Result);
        _ctx.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(AccountTokenCheck.Valid, (await _tokens.RedeemAsync(issued.Secret, AccountTokenPurpose.ContinueSignIn, binding: browser)).Result);
        Assert.Equal(AccountTokenCheck.Used, (await _tokens.RedeemAsync(issued.Secret, AccountTokenPurpose.ContinueSignIn, binding: browser)).Result);
    }
}
