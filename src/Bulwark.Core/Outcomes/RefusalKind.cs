namespace Bulwark.Core.Outcomes;

/// <summary>
/// What kind of "no" a use case gave. Core names only the kind; each edge (the upload API, the pages, the
/// command line) maps it to its own vocabulary: an HTTP status and reason phrase, model state, an exit code.
/// </summary>
public enum RefusalKind
{
    /// <summary>The input is wrong; <see cref="Refusal.Field"/> names the value when there is one.</summary>
    Invalid,
    /// <summary>No (valid) credentials came with the request.</summary>
    Unauthenticated,
    /// <summary>A password, code or key did not match.</summary>
    WrongCredentials,
    /// <summary>The caller is known but may not do this (role, scope, mandate, frozen account, policy).</summary>
    Forbidden,
    /// <summary>The thing named does not exist (or must not be revealed to this caller).</summary>
    NotFound,
    /// <summary>The request collides with the current state (a file already stored, a concurrent change).</summary>
    Conflict,
    /// <summary>The thing or the operation existed once and is no longer offered.</summary>
    Gone,
    /// <summary>A one-time link was unknown, expired, used or superseded.</summary>
    LinkRejected,
    /// <summary>Too many attempts; <see cref="Refusal.RetryAfter"/> says when to come back.</summary>
    Throttled,
    /// <summary>Something the use case depends on is not available right now; trying later may work.</summary>
    Unavailable,
}
