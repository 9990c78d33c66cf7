using System.Text;
using Bulwark.Core.Accounts.Devices;
using Bulwark.Core.Accounts.Passwords;
using Bulwark.Core.Accounts.Sessions;
using Bulwark.Core.Accounts.Throttling;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;

using Bulwark.Core.Outcomes;

namespace Bulwark.Core.Accounts.Flows;

public enum SignInOutcome
{
    /// <summary>Fully signed in: set the cookie to <see cref="SignInResult.SessionId"/>.</summary>
    SignedIn,
    /// <summary>Password verified; the session only allows the second step. Set the cookie and go there.</summary>
    SecondFactorRequired,
    /// <summary>Unknown user, wrong password or an account that cannot sign in: one answer for all.</summary>
    Failed,
    /// <summary>This client network is over its limit: answer 429 with Retry-After (to this network only).</summary>
    Throttled,
    /// <summary>Correct password on a frozen account (only then is the freeze worth telling).</summary>
    Frozen,
    /// <summary>The password was not checked: solve <see cref="SignInResult.Challenge"/> and send it again.</summary>
    ProofRequired,
    /// <summary>
    /// The account's limit had tripped: if the password was right, a link to finish was e-mailed. The same
    /// answer either way, so it tells a guesser nothing.
    /// </summary>
    LinkSent,
    /// <summary>Password checks are queueing beyond the wait limit: answer 503 with Retry-After.</summary>
    Busy,
}

public sealed record SignInResult(SignInOutcome Outcome, string Message, string? SessionId = null, UserSession? Session = null,
    int RetryAfterSeconds = 0, ProofChallenge? Challenge = null)
{
    public User? User => Session?.User;
}

/// <summary>What a browser brings besides username and password: its device cookie and a solved challenge.</summary>
public sealed record SignInEvidence(string? DeviceCookie = null, string? ProofToken = null, string? ProofNonce = null)
{
    public static readonly SignInEvidence None = new();

    public bool HasProof => !string.IsNullOrEmpty(ProofToken) || !string.IsNullOrEmpty(ProofNonce);
}

/// <summary>
/// Password sign-in. Every failure looks and takes the same: an unknown username, an automation account
/// (which has no password) and a wrong password all spend one Argon2 verification and give the same message.
/// </summary>
/// <remarks>
/// <para>The limits limit guessing without becoming a switch that locks people out (an attacker who can make
/// the index refuse everyone, or one chosen maintainer, has won without guessing anything). So:</para>
/// <list type="bullet">
/// <item>A browser known to the account (a valid device cookie) is judged on its own budget only, so the
/// owner's usual browser signs in during any flood. Passkeys have their own flow and never meet these limits.</item>
/// <item>A client network over its limit gets 429: that refuses the attacker's own address, nobody else's.</item>
/// <item>When the index-wide or the account's limit has tripped, other browsers are asked for a proof of
/// work (<see cref="ProofOfWork"/>) before the password is checked, instead of being refused.</item>
/// <item>Past the account's limit the password's result is hidden from such browsers: a right password
/// continues through a link e-mailed to the account (<see cref="SignInContinuation"/>), a wrong one gets the
/// same answer, so guessing on tells the guesser nothing. Wrong passwords still count everywhere.</item>
/// <item>Hashing itself is bounded by <see cref="PasswordCheckGate"/>: a browser without a proof that finds
/// the checks queueing is asked for the proof, so a flood cannot spend the cores on Argon2.</item>
/// </list>
/// </remarks>
public sealed class PasswordSignIn(
    BulwarkDbContext db,
    UserService users,
    PasswordHasher hasher,
    AuthThrottle throttle,
    KnownDevices devices,
    PasswordCheckGate gate,
    ProofOfWork proofs,
    ThrottleTrips trips,
    ThrottleOptions options,
    SignInContinuation continuation,
    AuditLog audit)
{
    public const string FailedMessage = "The username or password is incorrect.";

    public const string LinkSentMessage =
        "There have been many failed sign-ins for this username, so a browser it has not used before needs one more step. " +
        "If the username and password are right, we e-mailed a link to the account's address: open it in this browser to finish signing in. " +
        "If no message arrives within a few minutes, the password was not right.";

    public const string BusyMessage = "Bulwark is busy checking other sign-ins. Try again in a few seconds.";

    private const string SkipHint = " A passkey, or a browser you have signed in with before, skips this step.";

    public async Task<SignInResult> SignInAsync(string username, string password, Actor actor, SignInEvidence? evidence = null, CancellationToken ct = default)
    {
        username = username.Trim();
        evidence ??= SignInEvidence.None;
        var valid = UserService.IsValidUsername(username);

        // The owner's usual browser first: one query, and only for a browser that brought a device cookie.
        var user = valid ? await devices.AccountKnowingAsync(username, evidence.DeviceCookie, ct) : null;
        if (user is not null && await WithinDeviceBudgetAsync(user, evidence.DeviceCookie!, actor, ct))
        {
            return await CheckPasswordAsync(username, password, user, actor, PasswordCheckLane.Trusted, hidden: false, evidence.DeviceCookie, ct);
        }

        // Under a flood this answers most requests: no counting, no hashing, at most the query above.
        if (!evidence.HasProof && gate.TurnAwayUnproven())
        {
            await RecordProofTripAsync(username, null, actor, ProofReason.Busy, options.ProofOfWorkBits, ProofCheck.Missing, null, ct);
            return DemandProof(username, ProofReason.Busy, options.ProofOfWorkBits, ProofCheck.Missing);
        }

        user ??= valid ? await users.FindByUsernameAsync(username, ct) : null;
        var limits = await throttle.CheckLoginLimitsAsync(username, actor.IpAddress, ct);
        if (!limits.Network.Allowed)
        {
            await RecordTripAsync(AuditEventType.LoginThrottled, "network", ClientNetwork.Of(actor.IpAddress), user, actor,
                new LoginThrottledDetails(username, limits.Network.Limit, RetryAfter: limits.Network.RetryAfterSeconds), ct);
            return new SignInResult(SignInOutcome.Throttled,
                $"Too many failed sign-in attempts from your network. Try again in {Refusal.DescribeWait(TimeSpan.FromSeconds(limits.Network.RetryAfterSeconds))}, " +
                "or sign in with a passkey or from a browser you have signed in with before.",
                RetryAfterSeconds: limits.Network.RetryAfterSeconds);
        }

        var proof = evidence.HasProof ? proofs.Spend(evidence.ProofToken, evidence.ProofNonce, AuthThrottle.AccountKey(username)) : ProofCheck.Missing;
        if (limits.AccountTripped || limits.IndexTripped)
        {
            // Audited whether the proof came with this request (the page's script asks first) or is demanded now.
            var reason = limits.AccountTripped ? ProofReason.Account : ProofReason.Index;
            var bits = options.ProofOfWorkBits + limits.ExtraBits;
            await RecordProofTripAsync(username, user, actor, reason, bits, proof, limits.AccountTripped ? limits.Account.Limit : limits.Index.Limit, ct);
            if (proof != ProofCheck.Valid) return DemandProof(username, reason, bits, proof);
        }
        var lane = proof == ProofCheck.Valid ? PasswordCheckLane.Proven : PasswordCheckLane.Unproven;
        return await CheckPasswordAsync(username, password, user, actor, lane, hidden: limits.AccountTripped, evidence.DeviceCookie, ct);
    }

    /// <summary>
    /// The challenge a browser should solve before it sends this username's password, or null when none is
    /// needed now (the sign-in page's script asks before submitting, so the password is typed once).
    /// </summary>
    public async Task<ProofChallenge?> ChallengeForAsync(string username, string? deviceCookie, Actor actor, CancellationToken ct = default)
    {
        username = username.Trim();
        var known = UserService.IsValidUsername(username) ? await devices.AccountKnowingAsync(username, deviceCookie, ct) : null;
        if (known is not null && (await throttle.CheckKnownDeviceAsync(known.Id, deviceCookie!, ct)).Allowed) return null;
        var key = AuthThrottle.AccountKey(username);
        if (gate.TurnsAwayUnproven) return proofs.Issue(key, options.ProofOfWorkBits);
        var limits = await throttle.CheckLoginLimitsAsync(username, actor.IpAddress, ct);
        // A refused network is told so by the sign-in itself; a puzzle would not help it.
        if (!limits.Network.Allowed || !(limits.AccountTripped || limits.IndexTripped)) return null;
        return proofs.Issue(key, options.ProofOfWorkBits + limits.ExtraBits);
    }

    /// <summary>
    /// Whether a known browser is still within its own budget. Past it (a copied cookie guessing, or an owner
    /// who forgot the password) the browser is judged like any other, which asks for more proof but refuses nobody.
    /// </summary>
    private async Task<bool> WithinDeviceBudgetAsync(User user, string deviceCookie, Actor actor, CancellationToken ct)
    {
        var budget = await throttle.CheckKnownDeviceAsync(user.Id, deviceCookie, ct);
        if (budget.Allowed) return true;
        await RecordTripAsync(AuditEventType.LoginThrottled, "device", $"{user.Id}", user, actor,
            new LoginThrottledDetails(user.Username, budget.Limit, Answer: "judged as an unknown browser"), ct);
        return false;
    }

    private async Task<SignInResult> CheckPasswordAsync(string username, string password, User? user, Actor actor,
        PasswordCheckLane lane, bool hidden, string? deviceCookie, CancellationToken ct)
    {
        bool verified;
        using (var slot = await gate.EnterAsync(lane, ct))
        {
            if (slot is null)
            {
                if (lane != PasswordCheckLane.Unproven) return new SignInResult(SignInOutcome.Busy, BusyMessage, RetryAfterSeconds: 5);
                await RecordProofTripAsync(username, null, actor, ProofReason.Busy, options.ProofOfWorkBits, ProofCheck.Missing, null, ct);
                return DemandProof(username, ProofReason.Busy, options.ProofOfWorkBits, ProofCheck.Missing);
            }
            if (Encoding.UTF8.GetByteCount(password) > PasswordHasher.MaxPasswordBytes)
            {
                verified = false; // no stored password can be this long; refused before hashing to bound the work
            }
            else if (user?.PasswordHash is { } hash)
            {
                verified = hasher.Verify(hash, password);
            }
            else
            {
                verified = hasher.VerifyNothing(password);
            }
        }

        if (!verified)
        {
            if (lane == PasswordCheckLane.Trusted) await throttle.RecordKnownDeviceFailureAsync(username, user!.Id, deviceCookie!, actor.IpAddress, ct);
            else await throttle.RecordLoginFailureAsync(username, actor.IpAddress, ct);
            var reason = user is null ? "unknown user" : user.IsAutomation ? "automation account" : "wrong password";
            audit.Record(AuditEventType.LoginFailure, actor with { UserId = null }, user?.Id,
                details: new LoginFailureDetails(username, reason, KnownBrowser: lane == PasswordCheckLane.Trusted, Hidden: hidden));
            await db.SaveChangesAsync(ct);
            return hidden ? new SignInResult(SignInOutcome.LinkSent, LinkSentMessage) : new SignInResult(SignInOutcome.Failed, FailedMessage);
        }

        var account = user!;
        if (account.IsFrozen)
        {
            audit.Record(AuditEventType.LoginFailure, actor with { UserId = null }, account.Id,
                details: new LoginFailureDetails(username, "frozen", Hidden: hidden));
            await db.SaveChangesAsync(ct);
            // Behind the e-mail step even the freeze is not told: that would confirm the password.
            return hidden ? new SignInResult(SignInOutcome.LinkSent, LinkSentMessage)
                : new SignInResult(SignInOutcome.Frozen, "This account is frozen. Contact the index administrators.");
        }

        if (hasher.NeedsRehash(account.PasswordHash!))
        {
            // Parameters travel with each hash; the only moment the plain password is at hand to upgrade
            // an old hash is a successful sign-in.
            account.PasswordHash = hasher.Hash(password);
            audit.Record(AuditEventType.PasswordRehashed, actor with { UserId = account.Id }, account.Id);
            await db.SaveChangesAsync(ct);
        }

        if (hidden)
        {
            // The web layer always has a device cookie to bind the link to; a caller without one gets no link.
            if (deviceCookie is not null) await continuation.SendLinkAsync(account, deviceCookie, actor, ct);
            return new SignInResult(SignInOutcome.LinkSent, LinkSentMessage);
        }
        return await continuation.StartAsync(account, actor, lane == PasswordCheckLane.Trusted ? "known browser" : lane == PasswordCheckLane.Proven ? "proof of work" : "password", ct);
    }

    private enum ProofReason { Busy, Index, Account }

    /// <summary>Audits that browsers the account does not know must prove work (once per trip and key, see <see cref="ThrottleTrips"/>).</summary>
    private Task RecordProofTripAsync(string username, User? user, Actor actor, ProofReason reason, int bits, ProofCheck proof, string? limit, CancellationToken ct)
    {
        var (key, subject) = reason == ProofReason.Account ? ("account:" + AuthThrottle.AccountKey(username), user) : (reason.ToString().ToLowerInvariant(), null);
        return RecordTripAsync(AuditEventType.SignInProofRequired, "proof", key, subject, actor,
            new ProofRequiredDetails(username, reason.ToString().ToLowerInvariant(), limit, bits, proof.ToString().ToLowerInvariant()), ct);
    }

    private SignInResult DemandProof(string username, ProofReason reason, int bits, ProofCheck proof)
    {
        var why = reason switch
        {
            ProofReason.Account => "There have been many failed sign-ins for this username, so a browser it has not used before must solve a short puzzle before the password is checked, and then confirm by e-mail.",
            ProofReason.Index => "Bulwark is under a password-guessing attack, so a browser an account has not used before must solve a short puzzle before the password is checked.",
            _ => "Bulwark is checking many sign-ins right now, so your browser must solve a short puzzle before the password is checked.",
        };
        var retry = proof is ProofCheck.Expired or ProofCheck.Spent or ProofCheck.Invalid or ProofCheck.NotSolved
            ? " The puzzle answer that was sent was not accepted (expired, used or wrong); a new puzzle is ready."
            : "";
        return new SignInResult(SignInOutcome.ProofRequired,
            why + retry + " Keep this page open while your browser solves it (a few seconds; it needs JavaScript), then enter your password again and press Sign in." + SkipHint,
            Challenge: proofs.Issue(AuthThrottle.AccountKey(username), bits));
    }

    /// <summary>Audits a tripped limit when it starts and every few minutes while it lasts (see <see cref="ThrottleTrips"/>).</summary>
    private async Task RecordTripAsync(AuditEventType type, string limit, string key, User? subject, Actor actor, IAuditDetails details, CancellationToken ct)
    {
        if (!trips.ShouldRecord(limit, key)) return;
        audit.Record(type, actor with { UserId = null }, subject?.Id, details: details);
        await db.SaveChangesAsync(ct);
    }
}
