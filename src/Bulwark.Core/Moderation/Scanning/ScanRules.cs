namespace Bulwark.Core.Moderation.Scanning;

/// <summary>Where a piece of code runs, which scales what a finding in it is worth.</summary>
internal enum Placement
{
    /// <summary>An sdist's setup.py (or in-tree build backend): runs on <c>pip install</c>, before anyone looked.</summary>
    Install = 0,

    /// <summary>A .pth file: runs at every interpreter start once installed.</summary>
    Startup = 1,

    /// <summary>Module-level code of a package: runs on import.</summary>
    Load = 2,

    /// <summary>A function body, a main guard or a script: runs only when called.</summary>
    Deferred = 3,

    /// <summary>Tests, docs and examples: not run by installing or importing.</summary>
    Test = 4,
}

/// <summary>
/// The rules by name with the points a finding scores in each <see cref="Placement"/>. The same call is worth far
/// more in setup.py or a .pth file than in a library function: that, and requiring combinations (a secret read
/// and a send; a decode and an exec) for the big scores, is what keeps single weak signals in ordinary library
/// code (subprocess in a build helper, base64 in a codec, requests.get in an HTTP library) from flagging it.
/// </summary>
internal static class ScanRules
{
    //                                               Install Startup Load Deferred Test
    private static readonly Dictionary<string, int[]> Weights = new(StringComparer.Ordinal)
    {
        ["exec-encoded-payload"] = [90, 90, 90, 60, 20],
        ["exec-obfuscated-code"] = [90, 90, 90, 60, 20],
        ["download-execute"] = [100, 100, 100, 80, 20],
        ["shell-downloader"] = [90, 90, 90, 60, 10],
        ["reverse-shell"] = [100, 100, 100, 90, 20],
        ["credential-theft"] = [100, 100, 100, 90, 20],
        ["secret-exfiltration"] = [90, 90, 90, 70, 15],
        ["exfiltration-endpoint"] = [60, 70, 60, 45, 10],
        ["paste-site"] = [50, 60, 40, 15, 5],
        ["raw-ip-url"] = [45, 60, 40, 20, 5],
        ["stealer-target"] = [50, 50, 50, 30, 5],
        ["secret-access"] = [30, 40, 15, 5, 0],
        ["install-network"] = [45, 70, 25, 0, 0],
        ["install-process"] = [10, 30, 5, 0, 0],
        ["runs-bundled-binary"] = [40, 40, 35, 10, 0],
        ["hidden-process"] = [25, 25, 20, 10, 0],
        ["dns-exfiltration"] = [80, 80, 80, 50, 10],
        ["install-hook"] = [25, 25, 0, 0, 0],
        ["persistence"] = [85, 85, 70, 30, 5],
        ["crypto-clipper"] = [90, 90, 90, 80, 20],
        ["pyarmor"] = [45, 45, 45, 45, 45],
        ["encoded-blob"] = [25, 25, 25, 15, 5],
        ["escaped-bytes"] = [30, 30, 30, 30, 10],
        ["obfuscated-names"] = [35, 35, 35, 35, 10],
        ["hidden-code"] = [60, 60, 60, 40, 10],
        ["pth-exec"] = [15, 15, 15, 15, 15],
        ["binary-in-sdist"] = [40, 40, 40, 40, 25],
        ["extension-in-sdist"] = [20, 20, 20, 20, 10],
        ["scan-incomplete"] = [40, 40, 40, 40, 40],
        ["file-truncated"] = [10, 10, 10, 10, 10],
    };

    /// <summary>Every rule name.</summary>
    public static IEnumerable<string> All => Weights.Keys;

    /// <summary>Points for <paramref name="rule"/> at <paramref name="placement"/>.</summary>
    public static int Score(string rule, Placement placement) => Weights[rule][(int)placement];
}

/// <summary>A finding before the member path is attached.</summary>
internal sealed record RawFinding(string Rule, int Line, string Evidence, int Score);
