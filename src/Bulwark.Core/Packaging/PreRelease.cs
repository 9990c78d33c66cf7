using System.Globalization;

namespace Bulwark.Core.Packaging;

/// <summary>The pre-release segment of a version: its normalized label (<c>a</c>, <c>b</c> or <c>rc</c>) and number.</summary>
public readonly record struct PreRelease(string Label, long Number)
{
    /// <summary>Alpha sorts before beta, beta before release candidate.</summary>
    internal int Rank => Label switch
    {
        "a" => 0,
        "b" => 1,
        _ => 2,
    };

    /// <summary>The normalized spelling, e.g. <c>rc1</c>.</summary>
    public override string ToString() => Label + Number.ToString(CultureInfo.InvariantCulture);
}
