using System.Net;

namespace Bulwark.Core.Uploads;

/// <summary>
/// A refusal's reason as a short, fixed label for metrics: the message itself names files and projects, which
/// would make one time series per upload. The label follows the stable openings of Warehouse's messages that
/// the upload checks use; a message not listed falls back to its HTTP status class.
/// </summary>
public static class UploadRefusalReason
{
    private static readonly (string Fragment, string Reason)[] ByMessage =
    [
        ("project-scoped token", "permission"),
        ("isn't allowed to upload", "permission"),
        ("two-factor authentication", "two_factor"),
        ("phishing-resistant", "two_factor"),
        ("Invalid API Token", "authentication"),
        ("Invalid or non-existent authentication", "authentication"),
        ("Username/Password authentication", "authentication"),
        ("File already exists", "duplicate"),
        ("Only one sdist may be uploaded", "duplicate"),
        ("File too large", "too_large"),
        ("Project size too large", "too_large"),
        ("too large", "too_large"),
        ("does not match a digest", "digest_mismatch"),
        ("has no verified email", "unverified_email"),
        ("The name '", "project_name"),
        ("Invalid metadata", "metadata"),
        ("Invalid distribution file", "distribution"),
    ];

    public static string Of(UploadFailure failure)
    {
        foreach (var (fragment, reason) in ByMessage)
        {
            if (failure.Message.Contains(fragment, StringComparison.Ordinal)) return reason;
        }
        return failure.Status switch
        {
            HttpStatusCode.BadRequest => "invalid",
            HttpStatusCode.Forbidden => "forbidden",
            HttpStatusCode.Conflict => "conflict",
            HttpStatusCode.Gone => "gone",
            _ => "other",
        };
    }
}
