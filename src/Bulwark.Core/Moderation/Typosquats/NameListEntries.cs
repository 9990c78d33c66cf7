namespace Bulwark.Core.Moderation.Typosquats;

/// <summary>
/// A name an administrator added to the protected set (<c>names protect</c>, the admin Names page), on top of the
/// critical projects, the top downloads and the operator's list file. Kept in its PEP 503 form.
/// </summary>
public sealed class ProtectedNameAddition
{
    public required string NormalizedName { get; set; }
    public DateTimeOffset AddedAt { get; set; }
    public long? AddedByUserId { get; set; }
}

/// <summary>
/// An administrator's exception for one resemblance (<c>names allow</c>): <see cref="Candidate"/> may be created next
/// to the protected <see cref="Protected"/> although the typosquat check ties them. Both in PEP 503 form. Other
/// resemblances of the same candidate still count.
/// </summary>
public sealed class AllowedNamePair
{
    public required string Candidate { get; set; }
    public required string Protected { get; set; }
    public DateTimeOffset AddedAt { get; set; }
    public long? AddedByUserId { get; set; }
}
