namespace Bulwark.Core.Audit;

/// <summary>One security-relevant event. Times are UTC.</summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public AuditEventType Type { get; set; }
    /// <summary>The account the event is about (subject), if any.</summary>
    public long? UserId { get; set; }
    /// <summary>The account that acted, if different (an admin, for example).</summary>
    public long? ActorUserId { get; set; }
    public long? ProjectId { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    public Guid? TokenId { get; set; }
    /// <summary>Details as JSON (filename, version, reason...), serialised once from an <see cref="IAuditDetails"/>.</summary>
    public string? Details { get; set; }
    /// <summary>The <see cref="Hash"/> of the event before this one in the chain (64 zeros for the first); see <see cref="AuditChain"/>.</summary>
    public string? PreviousHash { get; set; }
    /// <summary>SHA-256 (hex) of this event's canonical form, which includes <see cref="PreviousHash"/> (see <see cref="AuditChainHash"/>).</summary>
    public string? Hash { get; set; }
}

/// <summary>
/// Stable numbers grouped in ranges (accounts 1xxx, factors 2xxx, tokens 3xxx, projects 4xxx,
/// moderation and policy 5xxx (51xx: the 2FA mandates), admin 6xxx); a stored number never changes meaning.
/// </summary>
public enum AuditEventType
{
    UserCreated = 1000,
    LoginSuccess = 1001,
    LoginFailure = 1002,
    /// <summary>A sign-in was refused because a throttle limit was reached; details name the limit.</summary>
    LoginThrottled = 1003,
    SignedOut = 1004,
    /// <summary>A session was ended by someone or something other than its own sign-out; details say why.</summary>
    SessionRevoked = 1005,
    /// <summary>Fresh authentication in an existing session ("sudo").</summary>
    Reauthenticated = 1006,
    /// <summary>Self-service sign-up (UserCreated is the operator's command line).</summary>
    UserRegistered = 1007,
    /// <summary>Someone signed up with this account's address; no account was created, the owner was told.</summary>
    RegistrationAttemptWithExistingEmail = 1008,
    PasswordChanged = 1010,
    PasswordReset = 1011,
    PasswordResetRequested = 1012,
    /// <summary>The stored hash was re-computed with current Argon2 parameters at sign-in.</summary>
    PasswordRehashed = 1013,
    PasswordResetThrottled = 1014,
    EmailChanged = 1020,
    EmailVerified = 1021,
    EmailChangeRequested = 1022,
    EmailVerificationSent = 1023,
    /// <summary>A one-time link was presented but was expired, used or superseded.</summary>
    AccountLinkRejected = 1024,
    /// <summary>A sign-in completed with TOTP or a recovery code from a browser not seen before; the owner was e-mailed.</summary>
    NewDeviceSignIn = 1030,
    /// <summary>A session's device was confirmed (WebAuthn, or the e-mailed link opened in the same browser).</summary>
    DeviceConfirmed = 1031,
    /// <summary>A device-confirmation link was e-mailed at the user's request.</summary>
    DeviceConfirmationSent = 1032,
    /// <summary>The owner reported a sign-in as not theirs: the account was frozen and every session ended.</summary>
    AccountFrozenByOwner = 1033,
    /// <summary>A sensitive action was refused because the session's device is not confirmed.</summary>
    UnconfirmedDeviceRefused = 1034,
    /// <summary>An operator restored a frozen account (new password by e-mailed link, tokens and sessions ended).</summary>
    AccountRestored = 1035,
    /// <summary>
    /// A password sign-in from a browser the account does not know was asked for a proof of work first: the
    /// account's or the index's failure limit had tripped, or password checks were queueing. Recorded when
    /// the demand starts and every 5 minutes while it lasts; details name the reason and the limit.
    /// </summary>
    SignInProofRequired = 1036,
    /// <summary>The right password while the account's failure limit had tripped: a link to finish the sign-in in that browser was e-mailed.</summary>
    SignInLinkSent = 1037,

    /// <summary>A second factor was added; details name the method and the credential.</summary>
    FactorAdded = 2000,
    /// <summary>A second factor was removed; details name the method and the credential.</summary>
    FactorRemoved = 2001,
    /// <summary>A wrong TOTP or recovery code at sign-in; details name the method.</summary>
    SecondFactorFailed = 2002,
    /// <summary>A second-factor attempt was refused by the throttle; details name the limit.</summary>
    SecondFactorThrottled = 2003,
    /// <summary>A TOTP code for an already-used time step: a relayed or shoulder-surfed code. The owner is told.</summary>
    TotpReplayed = 2010,
    /// <summary>A TOTP code that matched a time step outside the accepted window: clock drift (or an old code).</summary>
    TotpOutOfSync = 2011,
    RecoveryCodesGenerated = 2020,
    RecoveryCodeUsed = 2021,
    /// <summary>The owner typed one code back, proving the new set was saved.</summary>
    RecoveryCodesConfirmed = 2022,
    /// <summary>A security key signed with a counter that did not go up; the credential was flagged.</summary>
    WebAuthnPossibleClone = 2030,
    WebAuthnAssertionFailed = 2031,
    WebAuthnRegistrationFailed = 2032,
    WebAuthnCredentialRenamed = 2033,
    /// <summary>A failed fresh authentication before a sensitive action.</summary>
    StepUpFailed = 2040,

    TokenCreated = 3000,
    TokenRevoked = 3001,
    TokenUsed = 3002,
    TokenRejected = 3003,
    /// <summary>A token was found in public (a secret scanner's signed report, its owner, or an operator) and revoked; details carry the URL and the reporter.</summary>
    TokenLeaked = 3004,
    /// <summary>A Trusted Publishing token was minted for the project; details carry the publisher and the CI run's claims.</summary>
    TrustedPublisherTokenMinted = 3010,

    ProjectCreated = 4000,
    ReleaseCreated = 4010,
    ReleaseYanked = 4011,
    ReleaseUnyanked = 4012,
    ReleaseRemoved = 4013,
    FileAdded = 4020,
    FileRemoved = 4021,
    RoleAdded = 4030,
    RoleRemoved = 4031,
    /// <summary>An owner invited a user to a role; details name the invitee and role.</summary>
    RoleInvited = 4032,
    RoleInvitationDeclined = 4033,
    /// <summary>An owner withdrew an invitation before it was answered.</summary>
    RoleInvitationRevoked = 4034,
    UploadRejected = 4040,
    /// <summary>The project entered the critical cohort (by downloads or from the always-critical list).</summary>
    ProjectBecameCritical = 4050,
    /// <summary>A trusted publisher was added to the project (by an owner, an operator, or a pending publisher's first use).</summary>
    TrustedPublisherAdded = 4060,
    TrustedPublisherRemoved = 4061,
    /// <summary>A user registered a pending publisher for a project name that does not exist yet.</summary>
    PendingPublisherAdded = 4062,
    /// <summary>A pending publisher was removed: by its user, because its name was taken, or because it created its project.</summary>
    PendingPublisherRemoved = 4063,
    /// <summary>A file fetched from an upstream index did not match the hash its page listed; it was discarded, never served.</summary>
    UpstreamFileRefused = 4070,
    /// <summary>The first local project of a name that had been served from an upstream: from now on only local files are listed.</summary>
    UpstreamNameMadeLocal = 4071,

    /// <summary>A two-factor mandate refused an action; details name the rule, the action and the project.</summary>
    MandateRefused = 5100,
    /// <summary>An owner switched a project's "phishing-resistant only" policy on or off; details say which.</summary>
    PhishingResistantOnlyChanged = 5101,

    /// <summary>A user or a trusted observer reported a project or a release; details carry the report.</summary>
    ProjectReported = 5200,
    /// <summary>An administrator closed the open reports of a project with a verdict; details name it.</summary>
    ReportsClosed = 5201,
    /// <summary>A project was quarantined (by an administrator, or automatically: details say which rule).</summary>
    ProjectQuarantined = 5202,
    ProjectUnquarantined = 5203,
    /// <summary>Releases of a project were quarantined; details list the versions and, when automatic, the rule.</summary>
    ReleasesQuarantined = 5204,
    ReleasesUnquarantined = 5205,
    /// <summary>Releases or the whole project were removed as malware; details list what went.</summary>
    MalwareRemoved = 5206,
    /// <summary>A name was put on the prohibited list; details carry the comment.</summary>
    NameProhibited = 5207,
    /// <summary>The account that uploaded removed malware was frozen; every session ended.</summary>
    AccountFrozenForMalware = 5208,
    /// <summary>The observer role was granted or taken away; details say which.</summary>
    ObserverRoleChanged = 5209,
    /// <summary>The owners archived, unarchived or deprecated the project; details name the new status and reason.</summary>
    ProjectStatusChanged = 5210,
    /// <summary>Responders froze an account (<c>user freeze</c> or the admin user page); details carry the reason.</summary>
    AccountFrozenByAdmin = 5211,
    /// <summary>Responders lifted a freeze without resetting anything (<c>user unfreeze</c>).</summary>
    AccountUnfrozen = 5212,
    /// <summary>The one-step response from the activity review: tokens and sessions ended, chosen releases acted on.</summary>
    CompromiseResponse = 5213,
    /// <summary>An admin added a name to the typosquat check's protected set, or took it out; details say which.</summary>
    ProtectedNameChanged = 5214,
    /// <summary>An admin allowed a name next to a protected one it resembles, or withdrew that; details name the pair.</summary>
    AllowedNamePairChanged = 5215,

    /// <summary>An admin put a name on the always-critical list.</summary>
    CriticalListAdded = 6100,
    /// <summary>An admin took a project out of the critical cohort (and off the always-critical list).</summary>
    CriticalRemoved = 6101,
    /// <summary>An operator imported known-malicious versions (OSV records) that are never proxied from upstreams.</summary>
    UpstreamVersionsBlocked = 6200,
}
