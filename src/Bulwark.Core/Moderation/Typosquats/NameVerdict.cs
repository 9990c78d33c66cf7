namespace Bulwark.Core.Moderation.Typosquats;

/// <summary>What happens to a new project name.</summary>
public enum NameAction
{
    /// <summary>The name may be created.</summary>
    Ok = 0,

    /// <summary>The project may be created, quarantined, with a report in the review queue.</summary>
    Hold = 1,

    /// <summary>The name is refused; the message names the similar project and the rule.</summary>
    Block = 2,
}

/// <summary>
/// The typosquat check's answer for one candidate name: the action, the protected name it resembles
/// (normalized) and the rule that matched (one of <see cref="TyposquatRules"/>). Both are null for
/// <see cref="NameAction.Ok"/>.
/// </summary>
public sealed record NameVerdict(NameAction Verdict, string? SimilarTo, string? Rule)
{
    /// <summary>The verdict for a name that resembles no protected name.</summary>
    public static NameVerdict Ok { get; } = new(NameAction.Ok, null, null);

    /// <summary>The verdict's action as the command line and the API spell it: ok, hold or block.</summary>
    public string VerdictText => Verdict switch
    {
        NameAction.Block => "block",
        NameAction.Hold => "hold",
        _ => "ok",
    };
}
