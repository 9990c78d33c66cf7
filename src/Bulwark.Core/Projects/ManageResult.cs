namespace Bulwark.Core.Projects;

public enum ManageStatus
{
    Done,
    NotFound,
    /// <summary>The acting user's role does not allow this.</summary>
    Forbidden,
    /// <summary>Refused by a rule (last owner, already a member...); the message says which.</summary>
    Refused,
}

/// <summary>The answer of a project-management use case; <see cref="Message"/> is safe to show as it is.</summary>
public sealed record ManageResult(ManageStatus Status, string Message)
{
    public bool Succeeded => Status == ManageStatus.Done;
    public static ManageResult Done(string message) => new(ManageStatus.Done, message);
    public static ManageResult Refused(string message) => new(ManageStatus.Refused, message);
    public static ManageResult NotFound(string message) => new(ManageStatus.NotFound, message);
    public static ManageResult Forbidden(string message) => new(ManageStatus.Forbidden, message);
}
