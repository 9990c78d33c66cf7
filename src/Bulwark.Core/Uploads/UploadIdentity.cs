using Bulwark.Core.Accounts;

namespace Bulwark.Core.Uploads;

/// <summary>Who is uploading: a user, through one of their API tokens, from where (for the audit trail).</summary>
public sealed record UploadIdentity(User User, ApiToken Token, Audit.Actor Actor);

/// <summary>The distribution file after it was streamed to a temp file and hashed.</summary>
public sealed record ReceivedFile(string TempPath, long Size, Packaging.FileDigests Digests);

/// <summary>Limits for one upload, from configuration.</summary>
public sealed record UploadLimits(long MaxFileSize, long MaxProjectSize);
