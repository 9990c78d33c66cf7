using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Throttling;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Core.Tests.Accounts;

public sealed class PasswordCheckGateTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    private PasswordCheckGate NewGate(int perSecond = 1) => new(new ThrottleOptions { UnprovenChecksPerSecond = perSecond }, _time, sharedSlots: 1);

    [Fact]
    public async Task Sign_ins_one_after_another_are_never_held_back_however_fast()
    {
        using var gate = NewGate();
        for (var i = 0; i < 50; i++)
        {
            Assert.False(gate.TurnsAwayUnproven);
            using var slot = await gate.EnterAsync(PasswordCheckLane.Unproven);
            Assert.NotNull(slot);
        }
    }

    [Fact]
    public async Task Once_checks_queue_up_unproven_browsers_get_a_few_checks_a_second_and_are_asked_for_proof_otherwise()
    {
        using var gate = NewGate(perSecond: 1);
        var held = await gate.EnterAsync(PasswordCheckLane.Proven);
        Assert.NotNull(held);
        // The one slot is busy: an unproven browser does not queue.
        Assert.True(gate.TurnsAwayUnproven);
        Assert.Null(await gate.EnterAsync(PasswordCheckLane.Unproven));
        held!.Dispose();

        // Contention was seen: three tokens (a burst of three seconds' worth), then one a second.
        for (var i = 0; i < 3; i++)
        {
            using var slot = await gate.EnterAsync(PasswordCheckLane.Unproven);
            Assert.NotNull(slot);
        }
        Assert.True(gate.TurnsAwayUnproven);
        Assert.Null(await gate.EnterAsync(PasswordCheckLane.Unproven));
        _time.Advance(TimeSpan.FromSeconds(1));
        using (var slot = await gate.EnterAsync(PasswordCheckLane.Unproven)) Assert.NotNull(slot);
        Assert.Null(await gate.EnterAsync(PasswordCheckLane.Unproven));

        // A proof of work is never turned away while a slot is free.
        using (var proven = await gate.EnterAsync(PasswordCheckLane.Proven)) Assert.NotNull(proven);

        // Half a minute without contention lifts the brake.
        _time.Advance(PasswordCheckGate.ContentionMemory);
        for (var i = 0; i < 10; i++)
        {
            using var slot = await gate.EnterAsync(PasswordCheckLane.Unproven);
            Assert.NotNull(slot);
        }
    }

    [Fact]
    public async Task A_flood_of_browsers_without_proof_gets_no_password_checked_until_it_has_been_quiet()
    {
        using var gate = NewGate(perSecond: 5);
        var held = await gate.EnterAsync(PasswordCheckLane.Proven);
        for (var i = 0; i < PasswordCheckGate.FloodTurnAways; i++) Assert.True(gate.TurnAwayUnproven());
        held!.Dispose();

        // The slot is free and tokens are there, but this is a flood: nothing without a proof is checked.
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(gate.TurnsAwayUnproven);
        Assert.Null(await gate.EnterAsync(PasswordCheckLane.Unproven));
        using (var proven = await gate.EnterAsync(PasswordCheckLane.Proven)) Assert.NotNull(proven);

        // Turned-away requests are counted over this window and the one before: twenty quiet seconds end it.
        _time.Advance(PasswordCheckGate.FloodWindow * 2);
        Assert.False(gate.TurnsAwayUnproven);
        using (var slot = await gate.EnterAsync(PasswordCheckLane.Unproven)) Assert.NotNull(slot);
    }

    [Fact]
    public async Task Known_browsers_and_sessions_have_a_slot_of_their_own()
    {
        using var gate = NewGate();
        using var stranger = await gate.EnterAsync(PasswordCheckLane.Proven);
        Assert.NotNull(stranger);
        using var owner = await gate.EnterAsync(PasswordCheckLane.Trusted);
        Assert.NotNull(owner);
    }

    [Fact]
    public async Task A_trusted_check_refuses_over_long_passwords_before_hashing()
    {
        using var gate = NewGate();
        // A hash this hasher cannot parse would fail too; the length check comes first and hashes nothing.
        Assert.False(await gate.VerifyTrustedAsync(new Core.Accounts.Passwords.PasswordHasher(), "not a hash", new string('x', 5000)));
    }
}
