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
    /// <summary>Free-form details as JSON (filename, version, reason...).</summary>
    public string? Details { get; set; }
}

/// <summary>
/// Stable numbers grouped in ranges (accounts 1xxx, factors 2xxx, tokens 3xxx, projects 4xxx,
/// moderation 5xxx, admin 6xxx); a stored number never changes meaning.
/// </summary>
public enum AuditEventType
{
    UserCreated = 1000,
    LoginSuccess = 1001,
    LoginFailure = 1002,
    PasswordChanged = 1010,
    PasswordReset = 1011,
    EmailChanged = 1020,
    EmailVerified = 1021,

    TokenCreated = 3000,
    TokenRevoked = 3001,
    TokenUsed = 3002,
    TokenRejected = 3003,

    ProjectCreated = 4000,
    ReleaseCreated = 4010,
    ReleaseYanked = 4011,
    ReleaseUnyanked = 4012,
    ReleaseRemoved = 4013,
    FileAdded = 4020,
    FileRemoved = 4021,
    RoleAdded = 4030,
    RoleRemoved = 4031,
    UploadRejected = 4040,
    /// <summary>The project entered the critical cohort (by downloads or from the always-critical list).</summary>
    ProjectBecameCritical = 4050,

    /// <summary>An admin put a name on the always-critical list.</summary>
    CriticalListAdded = 6100,
    /// <summary>An admin took a project out of the critical cohort (and off the always-critical list).</summary>
    CriticalRemoved = 6101,
}
