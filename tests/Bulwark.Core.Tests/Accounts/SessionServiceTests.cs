using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Audit;

namespace Bulwark.Core.Tests.Accounts;

public sealed class SessionServiceTests : IDisposable
{
    private readonly AccountTestContext _ctx = new();
    private readonly SessionService _sessions;
    private readonly User _user;

    public SessionServiceTests()
    {
        _sessions = new SessionService(_ctx.Db, _ctx.Audit, new SessionOptions(), _ctx.Time);
        _user = _ctx.AddUser();
    }

    public void Dispose() => _ctx.Dispose();

    private Task<CreatedSession> CreateAsync(bool pending = false) => _sessions.CreateAsync(_user, AuthMethod.Password, pending, _ctx.Actor);

    [Fact]
    public async Task Session_id_is_returned_once_and_only_its_hash_stored()
    {
        var created = await CreateAsync();
        Assert.Equal(43, created.SessionId.Length);
        Assert.Equal(32, created.Session.TokenHash.Length);
        Assert.Equal(OpaqueSecret.Hash(created.SessionId), created.Session.TokenHash);
        Assert.Equal(SessionCheck.Valid, (await _sessions.ValidateAsync(created.SessionId)).Result);
        Assert.Equal("203.0.113.7", created.Session.IpAddress);
    }

    [Fact]
    public async Task Unknown_and_malformed_ids_are_invalid()
    {
        await CreateAsync();
        Assert.Equal(SessionCheck.Invalid, (await _sessions.ValidateAsync(null)).Result);
        Assert.Equal(SessionCheck.Invalid, (await _sessions.ValidateAsync("x")).Result);
        Assert.Equal(SessionCheck.Invalid, (await _sessions.ValidateAsync(OpaqueSecret.Create().Secret)).Result);
    }

    [Fact]
    public async Task Idle_timeout_ends_a_session_after_30_minutes_without_requests()
    {
        var created = await CreateAsync();
        _ctx.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.True((await _sessions.ValidateAsync(created.SessionId)).IsSignedIn);
        _ctx.Time.Advance(TimeSpan.FromMinutes(29)); // 29 min since the last request
        Assert.True((await _sessions.ValidateAsync(created.SessionId)).IsSignedIn);
        _ctx.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(SessionCheck.Idle, (await _sessions.ValidateAsync(created.SessionId)).Result);
    }

    [Fact]
    public async Task Absolute_lifetime_ends_an_active_session_after_12_hours()
    {
        var created = await CreateAsync();
        for (var i = 0; i < 12 * 3 - 1; i++)
        {
            _ctx.Time.Advance(TimeSpan.FromMinutes(20));
            Assert.True((await _sessions.ValidateAsync(created.SessionId)).IsSignedIn, $"after {(i + 1) * 20} min");
        }
        _ctx.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(SessionCheck.Expired, (await _sessions.ValidateAsync(created.SessionId)).Result);
    }

    [Fact]
    public async Task Last_seen_is_written_at_most_once_a_minute()
    {
        var created = await CreateAsync();
        var start = created.Session.LastSeenAt;
        _ctx.Time.Advance(TimeSpan.FromSeconds(59));
        await _sessions.ValidateAsync(created.SessionId);
        Assert.Equal(start, _ctx.Db.UserSessions.Single().LastSeenAt);
        _ctx.Time.Advance(TimeSpan.FromSeconds(1));
        await _sessions.ValidateAsync(created.SessionId);
        Assert.Equal(start.AddMinutes(1), _ctx.Db.UserSessions.Single().LastSeenAt);
    }

    [Fact]
    public async Task Second_factor_pending_session_is_not_signed_in_and_times_out()
    {
        var created = await CreateAsync(pending: true);
        var check = await _sessions.ValidateAsync(created.SessionId);
        Assert.Equal(SessionCheck.SecondFactorPending, check.Result);
        Assert.False(check.IsSignedIn);
        Assert.False(_sessions.IsFresh(created.Session));
        _ctx.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(SessionCheck.Expired, (await _sessions.ValidateAsync(created.SessionId)).Result);
    }

    [Fact]
    public async Task Completing_the_second_factor_issues_a_new_id()
    {
        var created = await CreateAsync(pending: true);
        var newId = await _sessions.CompleteSecondFactorAsync(created.Session, AuthMethod.PasswordAndTotp, _ctx.Actor);
        Assert.NotEqual(created.SessionId, newId);
        Assert.Equal(SessionCheck.Invalid, (await _sessions.ValidateAsync(created.SessionId)).Result);
        var check = await _sessions.ValidateAsync(newId);
        Assert.True(check.IsSignedIn);
        Assert.Equal(AuthMethod.PasswordAndTotp, check.Session!.AuthMethod);
    }

    [Fact]
    public async Task Sudo_freshness_lasts_ten_minutes_and_reauthentication_rotates_the_id()
    {
        var created = await CreateAsync();
        Assert.True(_sessions.IsFresh(created.Session));
        _ctx.Time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        Assert.False(_sessions.IsFresh(created.Session));
        var newId = await _sessions.ReauthenticateAsync(created.Session, AuthMethod.Password, _ctx.Actor);
        Assert.True(_sessions.IsFresh(created.Session));
        Assert.Equal(SessionCheck.Invalid, (await _sessions.ValidateAsync(created.SessionId)).Result);
        Assert.True((await _sessions.ValidateAsync(newId)).IsSignedIn);
        Assert.Contains(_ctx.Db.AuditEvents, e => e.Type == AuditEventType.Reauthenticated && e.UserId == _user.Id);
    }

    [Fact]
    public async Task Revoke_all_except_keeps_only_the_current_session()
    {
        var current = await CreateAsync();
        var other1 = await CreateAsync();
        var other2 = await CreateAsync();
        Assert.Equal(2, await _sessions.RevokeAllExceptAsync(_user.Id, current.Session.Id, SessionEndReason.PasswordChanged, _ctx.Actor));
        Assert.True((await _sessions.ValidateAsync(current.SessionId)).IsSignedIn);
        Assert.Equal(SessionCheck.Revoked, (await _sessions.ValidateAsync(other1.SessionId)).Result);
        Assert.Equal(SessionCheck.Revoked, (await _sessions.ValidateAsync(other2.SessionId)).Result);
        Assert.Single(await _sessions.ListActiveAsync(_user.Id));
    }

    [Fact]
    public async Task Sign_out_ends_the_session_and_is_audited()
    {
        var created = await CreateAsync();
        Assert.True(await _sessions.RevokeAsync(created.Session, SessionEndReason.SignedOut, _ctx.Actor));
        Assert.False(await _sessions.RevokeAsync(created.Session, SessionEndReason.SignedOut, _ctx.Actor));
        Assert.Equal(SessionCheck.Revoked, (await _sessions.ValidateAsync(created.SessionId)).Result);
        Assert.Single(_ctx.Db.AuditEvents, e => e.Type == AuditEventType.SignedOut);
    }

    [Fact]
    public async Task A_frozen_user_loses_every_session()
    {
        var created = await CreateAsync();
        _user.IsFrozen = true;
        await _ctx.Db.SaveChangesAsync();
        Assert.Equal(SessionCheck.UserFrozen, (await _sessions.ValidateAsync(created.SessionId)).Result);
        _user.IsFrozen = false;
        await _ctx.Db.SaveChangesAsync();
        Assert.Equal(SessionCheck.Revoked, (await _sessions.ValidateAsync(created.SessionId)).Result);
    }

    [Fact]
    public async Task Pruning_removes_only_sessions_past_lifetime_plus_retention()
    {
        var old = await CreateAsync();
        _ctx.Time.Advance(TimeSpan.FromHours(12) + TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));
        var recent = await CreateAsync();
        await _sessions.PruneAsync();
        var left = _ctx.Db.UserSessions.Select(s => s.Id).ToList();
        Assert.DoesNotContain(old.Session.Id, left);
        Assert.Contains(recent.Session.Id, left);
    }
}
