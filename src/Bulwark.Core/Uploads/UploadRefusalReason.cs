using Bulwark.Core.Outcomes;

namespace Bulwark.Core.Uploads;

/// <summary>
/// A refusal's reason as a short, fixed label for metrics: the message itself names files and projects, which
/// would make one time series per upload. The label follows the stable openings of Warehouse's messages that
/// the upload checks use; a message not listed falls back to its refusal kind.
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

    public static string Of(Refusal refusal)
    {
        foreach (var (fragment, reason) in ByMessage)
        {
            if (refusal.Message.Contains(fragment, StringComparison.Ordinal)) return reason;
        }
        return refusal.Kind switch
        {
            RefusalKind.Invalid => "invalid",
            // Both are a 403 on the upload API, and were one label before refusals had kinds.
            RefusalKind.Forbidden or RefusalKind.Unauthenticated => "forbidden",
            RefusalKind.Conflict => "conflict",
            RefusalKind.Gone => "gone",
            _ => "other",
        };
    }
}
