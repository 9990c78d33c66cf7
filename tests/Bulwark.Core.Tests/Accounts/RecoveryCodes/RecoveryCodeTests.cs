using System.Text;
using Bulwark.Core.Accounts.RecoveryCodes;
using Bulwark.Core.Accounts.TwoFactor;
using Bulwark.Core.Audit;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Tests.Accounts.SecondFactors;

/// <summary>Baseline row "recovery codes": 8 × 64 bits, shown once, hashed, one use each, regenerating invalidates.</summary>
public sealed class RecoveryCodeTests : IDisposable
{
    private readonly FactorTestContext _ctx = new();

    public void Dispose() => _ctx.Dispose();

    [Fact]
    public async Task Eight_distinct_64_bit_codes_are_generated_and_formatted_for_reading()
    {
        var user = _ctx.AddUser();
        var generated = await _ctx.RecoveryCodes.GenerateAsync(user, _ctx.Actor);
        Assert.Equal(8, generated.Codes.Count);
        Assert.Equal(8, generated.Codes.Distinct().Count());
        foreach (var code in generated.Codes)
        {
            Assert.Matches("^[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}$", code);
            Assert.True(RecoveryCodeFormat.TryParse(code, out var bytes));
            Assert.Equal(8, bytes.Length);
        }
        Assert.True(generated.OwnerNotified);
        Assert.Contains(AuditEventType.RecoveryCodesGenerated, _ctx.AuditTypes());
        Assert.Contains(_ctx.Notifier.Notices, n => n.Kind == FactorNoticeKind.RecoveryCodesGenerated);
    }

    [Fact]
    public async Task Codes_are_stored_only_as_salted_hashes()
    {
        var user = _ctx.AddUser();
        var generated = await _ctx.RecoveryCodes.GenerateAsync(user, _ctx.Actor);
        var rows = await _ctx.Db.RecoveryCodes.AsNoTracking().ToListAsync();
        Assert.Equal(8, rows.Count);
        Assert.Equal(8, rows.Select(r => Convert.ToHexString(r.Salt)).Distinct().Count());

        // Read every byte of the table and the audit trail back, as an attacker with a copy of the database would.
        var dump = new List<byte[]>();
        await using (var cmd = _ctx.Db.Database.GetDbConnection().CreateCommand())
        {
            cmd.CommandText = "SELECT * FROM recovery_codes UNION ALL SELECT Id, 0, CAST(Details AS BLOB), CAST(UserAgent AS BLOB), NULL FROM audit_events";
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (reader.IsDBNull(i)) continue;
                    dump.Add(reader.GetValue(i) is byte[] b ? b : Encoding.UTF8.GetBytes(reader.GetValue(i).ToString()!));
                }
            }
        }
        foreach (var code in generated.Codes)
        {
            Assert.True(RecoveryCodeFormat.TryParse(code, out var raw));
            var forms = new[] { raw, Encoding.ASCII.GetBytes(code), Encoding.ASCII.GetBytes(code.Replace("-", "")) };
            foreach (var cell in dump)
            {
                foreach (var form in forms) Assert.False(cell.AsSpan().IndexOf(form) >= 0, $"recovery code {code} found in the database");
            }
        }
    }

    [Fact]
    public async Task Each_code_works_once_and_the_remaining_count_goes_down()
    {
        var user = _ctx.AddUser();
        var codes = (await _ctx.RecoveryCodes.GenerateAsync(user, _ctx.Actor)).Codes;

        var first = await _ctx.Redemption.RedeemAsync(user, codes[0], _ctx.Actor);
        Assert.Equal(RecoveryCodeCheck.Accepted, first.Check);
        Assert.Equal(7, first.Remaining);
        Assert.True(first.OwnerNotified);
        var notice = Assert.Single(_ctx.Notifier.Notices, n => n.Kind == FactorNoticeKind.RecoveryCodeUsed);
        Assert.Equal(7, notice.RecoveryCodesRemaining);
        Assert.Equal(AuditEventType.RecoveryCodeUsed, _ctx.AuditTypes().Last());

        var again = await _ctx.Redemption.RedeemAsync(user, codes[0], _ctx.Actor);
        Assert.Equal(RecoveryCodeCheck.AlreadyUsed, again.Check);
        Assert.Equal(7, again.Remaining);

        var second = await _ctx.Redemption.RedeemAsync(user, codes[1].ToUpperInvariant().Replace("-", " "), _ctx.Actor);
        Assert.Equal(RecoveryCodeCheck.Accepted, second.Check);
        Assert.Equal(6, second.Remaining);
        Assert.Equal(6, (await _ctx.Status.GetAsync(user.Id)).RecoveryCodesRemaining);
        Assert.NotNull((await _ctx.Db.RecoveryCodes.AsNoTracking().Where(c => c.BurnedAt != null).ToListAsync()).FirstOrDefault());
    }

    [Fact]
    public async Task Using_all_eight_leaves_none()
    {
        var user = _ctx.AddUser();
        var codes = (await _ctx.RecoveryCodes.GenerateAsync(user, _ctx.Actor)).Codes;
        for (var i = 0; i < 8; i++)
        {
            var r = await _ctx.Redemption.RedeemAsync(user, codes[i], _ctx.Actor);
            Assert.Equal(RecoveryCodeCheck.Accepted, r.Check);
            Assert.Equal(7 - i, r.Remaining);
        }
        Assert.Equal(RecoveryCodeCheck.NoCodes, (await _ctx.Redemption.RedeemAsync(user, codes[0], _ctx.Actor)).Check);
    }

    [Fact]
    public async Task Regenerating_invalidates_every_old_code()
    {
        var user = _ctx.AddUser();
        var old = (await _ctx.RecoveryCodes.GenerateAsync(user, _ctx.Actor)).Codes;
        var fresh = (await _ctx.RecoveryCodes.GenerateAsync(user, _ctx.Actor)).Codes;
        Assert.Empty(old.Intersect(fresh));

        foreach (var code in old)
        {
            Assert.Equal(RecoveryCodeCheck.Invalid, (await _ctx.Redemption.RedeemAsync(user, code, _ctx.Actor)).Check);
        }
        Assert.Equal(RecoveryCodeCheck.Accepted, (await _ctx.Redemption.RedeemAsync(user, fresh[3], _ctx.Actor)).Check);
        Assert.Equal(1, await _ctx.Db.RecoveryCodeSets.CountAsync(s => s.InvalidatedAt == null));
    }

    [Fact]
    public async Task Wrong_and_malformed_codes_are_refused_and_audited()
    {
        var user = _ctx.AddUser();
        await _ctx.RecoveryCodes.GenerateAsync(user, _ctx.Actor);
        Assert.Equal(RecoveryCodeCheck.Invalid, (await _ctx.Redemption.RedeemAsync(user, "0000-0000-0000-0000", _ctx.Actor)).Check);
        Assert.Equal(RecoveryCodeCheck.Invalid, (await _ctx.Redemption.RedeemAsync(user, "not a code", _ctx.Actor)).Check);
        Assert.Equal(2, _ctx.AuditTypes().Count(t => t == AuditEventType.SecondFactorFailed));
        Assert.Equal(8, (await _ctx.Status.GetAsync(user.Id)).RecoveryCodesRemaining);
    }

    [Fact]
    public async Task Another_users_code_does_not_work()
    {
        var alice = _ctx.AddUser("alice");
        var bob = _ctx.AddUser("bob");
        await _ctx.RecoveryCodes.GenerateAsync(alice, _ctx.Actor);
        var bobs = (await _ctx.RecoveryCodes.GenerateAsync(bob, _ctx.Actor)).Codes;
        Assert.Equal(RecoveryCodeCheck.Invalid, (await _ctx.Redemption.RedeemAsync(alice, bobs[0], _ctx.Actor)).Check);
    }

    [Fact]
    public async Task Setup_is_complete_only_after_a_code_is_typed_back()
    {
        var user = _ctx.AddUser();
        var secret = (await _ctx.TotpEnrollment.BeginAsync(user)).Start!.SecretBase32;
        await _ctx.TotpEnrollment.ConfirmAsync(user, Oathtool.Totp(secret, _ctx.Time.GetUtcNow()), _ctx.Actor);
        var codes = (await _ctx.RecoveryCodes.GenerateAsync(user, _ctx.Actor)).Codes;

        var before = await _ctx.Status.GetAsync(user.Id);
        Assert.True(before.HasAnyFactor);
        Assert.False(before.IsComplete);

        Assert.Equal(RecoveryCodeConfirmation.WrongCode, await _ctx.RecoveryCodes.ConfirmSavedAsync(user, "ffff-ffff-ffff-ffff", _ctx.Actor));
        Assert.False((await _ctx.Status.GetAsync(user.Id)).RecoveryCodesConfirmed);
        Assert.Equal(RecoveryCodeConfirmation.Confirmed, await _ctx.RecoveryCodes.ConfirmSavedAsync(user, codes[5], _ctx.Actor));
        Assert.Equal(RecoveryCodeConfirmation.AlreadyConfirmed, await _ctx.RecoveryCodes.ConfirmSavedAsync(user, codes[5], _ctx.Actor));

        var after = await _ctx.Status.GetAsync(user.Id);
        Assert.True(after.IsComplete);
        // Confirming proves the list was saved; it does not spend a code.
        Assert.Equal(8, after.RecoveryCodesRemaining);
        Assert.Contains(AuditEventType.RecoveryCodesConfirmed, _ctx.AuditTypes());

        // A new set must be confirmed again.
        await _ctx.RecoveryCodes.GenerateAsync(user, _ctx.Actor);
        Assert.False((await _ctx.Status.GetAsync(user.Id)).IsComplete);
    }
}
