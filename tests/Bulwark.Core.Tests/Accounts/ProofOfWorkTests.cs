using System.Security.Cryptography;
using Bulwark.Core.Accounts.Throttling;
using Bulwark.Tests.Shared.Throttling;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Core.Tests.Accounts;

public sealed class ProofOfWorkTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    private ProofOfWork NewProofs() => new(_key, _time);

    [Fact]
    public void A_solved_challenge_buys_one_check_for_its_username_only()
    {
        var proofs = NewProofs();
        var challenge = proofs.Issue("alice", 12);
        Assert.Equal(12, challenge.Bits);
        Assert.Equal(_time.GetUtcNow() + ProofOfWork.Lifetime, challenge.ExpiresAt);
        var nonce = ProofSolver.Solve(challenge.Token, 12);

        Assert.Equal(ProofCheck.Invalid, proofs.Spend(challenge.Token, nonce, "bob"));
        Assert.Equal(ProofCheck.Valid, proofs.Spend(challenge.Token, nonce, "alice"));
        Assert.Equal(ProofCheck.Spent, proofs.Spend(challenge.Token, nonce, "alice"));
    }

    [Fact]
    public void Another_server_with_the_same_key_accepts_the_proof_and_one_with_another_key_does_not()
    {
        var challenge = NewProofs().Issue("alice", 10);
        var nonce = ProofSolver.Solve(challenge.Token, 10);
        Assert.Equal(ProofCheck.Invalid, new ProofOfWork(RandomNumberGenerator.GetBytes(32), _time).Spend(challenge.Token, nonce, "alice"));
        Assert.Equal(ProofCheck.Valid, NewProofs().Spend(challenge.Token, nonce, "alice"));
    }

    [Fact]
    public void An_unsolved_or_altered_challenge_is_refused_and_not_used_up()
    {
        var proofs = NewProofs();
        var challenge = proofs.Issue("alice", 12);
        Assert.Equal(ProofCheck.NotSolved, proofs.Spend(challenge.Token, ProofSolver.Wrong(challenge.Token, 12), "alice"));
        Assert.Equal(ProofCheck.NotSolved, proofs.Spend(challenge.Token, "not-a-counter-xx", "alice"));

        // Asking for fewer bits than the server did: the MAC covers the difficulty.
        var raw = System.Buffers.Text.Base64Url.DecodeFromChars(challenge.Token);
        raw[9] = 1;
        var easier = System.Buffers.Text.Base64Url.EncodeToString(raw);
        Assert.Equal(ProofCheck.Invalid, proofs.Spend(easier, ProofSolver.Solve(easier, 1), "alice"));
        Assert.Equal(ProofCheck.Invalid, proofs.Spend("garbage", "0000000000000000", "alice"));
        Assert.Equal(ProofCheck.Missing, proofs.Spend(null, null, "alice"));

        // None of that used the challenge up.
        Assert.Equal(ProofCheck.Valid, proofs.Spend(challenge.Token, ProofSolver.Solve(challenge.Token, 12), "alice"));
    }

    [Fact]
    public void A_challenge_expires_after_five_minutes()
    {
        var proofs = NewProofs();
        var challenge = proofs.Issue("alice", 8);
        var nonce = ProofSolver.Solve(challenge.Token, 8);
        _time.Advance(ProofOfWork.Lifetime);
        Assert.Equal(ProofCheck.Expired, proofs.Spend(challenge.Token, nonce, "alice"));

        var fresh = proofs.Issue("alice", 8);
        _time.Advance(ProofOfWork.Lifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(ProofCheck.Valid, proofs.Spend(fresh.Token, ProofSolver.Solve(fresh.Token, 8), "alice"));
    }

    [Fact]
    public void The_work_asked_for_is_bounded()
    {
        var proofs = NewProofs();
        Assert.Equal(ProofOfWork.MaxBits, proofs.Issue("alice", 99).Bits);
        Assert.Equal(1, proofs.Issue("alice", 0).Bits);
    }
}
