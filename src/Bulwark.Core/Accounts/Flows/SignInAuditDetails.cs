using System.Text.Json.Serialization;
using Bulwark.Core.Audit;

namespace Bulwark.Core.Accounts.Flows;

// The details of sign-in events. Keys keep the names they have always been stored under (some camelCase), so
// that old and new rows read alike.

/// <summary>A refused sign-in or re-authentication (<see cref="AuditEventType.LoginFailure"/>): why, and for which name.</summary>
public sealed record LoginFailureDetails(
    string? Username,
    string Reason,
    [property: JsonPropertyName("knownBrowser")] bool? KnownBrowser = null,
    bool? Hidden = null,
    string? Method = null,
    long? Session = null,
    string? Via = null) : IAuditDetails;

/// <summary>A completed sign-in (<see cref="AuditEventType.LoginSuccess"/>): the session and how it was made.</summary>
public sealed record LoginSuccessDetails(
    long Session,
    string Method,
    string? Step = null,
    [property: JsonPropertyName("newDevice")] bool? NewDevice = null,
    string? Credential = null,
    [property: JsonPropertyName("secondFactorPending")] bool? SecondFactorPending = null,
    string? Via = null) : IAuditDetails;

/// <summary>A password sign-in limit tripped (<see cref="AuditEventType.LoginThrottled"/>).</summary>
public sealed record LoginThrottledDetails(
    string Username,
    string? Limit,
    [property: JsonPropertyName("retryAfter")] int? RetryAfter = null,
    string? Answer = null) : IAuditDetails;

/// <summary>Unknown browsers must prove work before a password is checked (<see cref="AuditEventType.SignInProofRequired"/>).</summary>
public sealed record ProofRequiredDetails(string Username, string Reason, string? Limit, int Bits, string Proof) : IAuditDetails;

/// <summary>A second-factor limit tripped (<see cref="AuditEventType.SecondFactorThrottled"/>).</summary>
public sealed record SecondFactorThrottledDetails(
    string Method,
    string? Limit,
    [property: JsonPropertyName("retryAfter")] int RetryAfter) : IAuditDetails;

/// <summary>A one-time link was refused (<see cref="AuditEventType.AccountLinkRejected"/>): its purpose and why.</summary>
public sealed record LinkRejectedDetails(string Purpose, string Reason, long? Session = null) : IAuditDetails;

/// <summary>A failed fresh authentication in a session (<see cref="AuditEventType.StepUpFailed"/>).</summary>
public sealed record StepUpFailedDetails(string Method, long Session) : IAuditDetails;
