using System.Text.Json.Serialization;
using Bulwark.Core.Audit;

namespace Bulwark.Core.Accounts.Flows;

// The details of account self-service events. Keys keep the names they have always been stored under.

/// <summary>Someone signed up with an address that already has an account (<see cref="AuditEventType.RegistrationAttemptWithExistingEmail"/>).</summary>
public sealed record RegistrationAttemptDetails([property: JsonPropertyName("attemptedUsername")] string AttemptedUsername) : IAuditDetails;

/// <summary>An e-mail change requested (no old address) or done (<see cref="AuditEventType.EmailChangeRequested"/>, <see cref="AuditEventType.EmailChanged"/>).</summary>
public sealed record EmailChangeDetails(
    [property: JsonPropertyName("oldEmail")] string? OldEmail,
    [property: JsonPropertyName("newEmail")] string NewEmail) : IAuditDetails;

/// <summary>The address that was verified (<see cref="AuditEventType.EmailVerified"/>).</summary>
public sealed record EmailVerifiedDetails(string Email) : IAuditDetails;

/// <summary>An operator restored a frozen account (<see cref="AuditEventType.AccountRestored"/>).</summary>
public sealed record AccountRestoredDetails([property: JsonPropertyName("tokensRevoked")] int TokensRevoked, [property: JsonPropertyName("factorsRemoved")] int? FactorsRemoved = null) : IAuditDetails;

/// <summary>Password-reset requests for a login were throttled (<see cref="AuditEventType.PasswordResetThrottled"/>).</summary>
public sealed record PasswordResetThrottledDetails(string Login, string? Limit) : IAuditDetails;
