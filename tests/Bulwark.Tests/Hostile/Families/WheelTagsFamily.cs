using static Bulwark.Tests.Hostile.UploadVariants;

namespace Bulwark.Tests.Hostile.Families;

/// <summary>
/// Wheel filenames whose compatibility tags PyPI refuses (platforms without a portable ABI, malformed
/// manylinux/macOS/iOS/Android tags) or that Bulwark refuses on top (characters outside the format's
/// escaping, a tag listed twice, empty tags, overlong tag sets), and malformed build tags and part counts.
/// </summary>
[HostileFamily]
public static class WheelTagsFamily
{
    private const string F = "wheel-tags";
    private const string Unsupported = "unsupported platform tag";

    public static IEnumerable<HostileCase> Cases() => Platforms().Concat(Malformed());

    private static HostileCase Refused(string name, Func<HostileContext, HttpRequestMessage> build, string mentions) =>
        new(F, name, build, HostileExpectation.Refused(mentions));

    private static IEnumerable<HostileCase> Platforms()
    {
        string[] refused =
        [
            "linux_x86_64", "linux_i686", "linux_aarch64", "linux_armv8l", "linux_riscv64",
            "macosx_9_0_x86_64", "macosx_11_1_arm64", "macosx_10_9_sparc", "macosx_27_0_arm64", "macosx_10_x86_64",
            "manylinux_2_17_sparc", "manylinux_x_17_x86_64", "manylinux_2_x86_64", "manylinux2014_riscv64",
            "manylinux2010_aarch64", "manylinux1_aarch64", "musllinux_1_1_ppc64", "musllinux_1_x86_64",
            "ios_13_0_arm64", "ios_13_0_arm64_watchos", "ios_13_0_riscv64_iphoneos",
            "android_21_mips", "android_x_arm64_v8a", "pyemscripten_2024_0_wasm64", "emscripten_3_1_58_wasm32",
            "win_x86", "win64", "cygwin_x86_64", "freebsd_14_0_release_amd64", "solaris_2_11_sparc", "any_x86_64",
            "anything",
        ];
        foreach (var tag in refused)
        {
            yield return Refused($"platform-{tag}", c => Built(c, s => s with { PlatformTag = tag }), Unsupported);
        }
        yield return Refused("platform-good-then-linux", c => Built(c, s => s with { PlatformTag = "manylinux1_x86_64.linux_x86_64" }), Unsupported);
        yield return Refused("platform-linux-then-good", c => Built(c, s => s with { PlatformTag = "linux_x86_64.manylinux2014_x86_64" }), Unsupported);
    }

    private static IEnumerable<HostileCase> Malformed()
    {
        const string Characters = "may only hold ASCII letters, digits and '_'";
        (string Case, string Python, string Abi, string Platform, string Mentions)[] tags =
        [
            ("python-tag-space", "py 3", "none", "any", Characters),
            ("python-tag-percent", "py%33", "none", "any", Characters),
            ("python-tag-semicolon", "py3;id", "none", "any", Characters),
            ("python-tag-quote", "py3'", "none", "any", Characters),
            ("python-tag-angle-brackets", "py<3>", "none", "any", Characters),
            ("python-tag-cyrillic", "pу3", "none", "any", Characters),
            ("abi-tag-zero-width", "py3", "no\u200bne", "any", Characters),
            ("abi-tag-plus", "py3", "cp312+", "any", Characters),
            ("platform-tag-fullwidth", "py3", "none", "ａｎｙ", Characters),
            ("python-tag-repeated", "py3.py3", "none", "any", "is repeated"),
            ("python-tag-repeated-case", "py3.PY3", "none", "any", "is repeated"),
            ("abi-tag-repeated", "cp312", "abi3.abi3", "any", "is repeated"),
            ("platform-tag-repeated", "py3", "none", "any.any", "is repeated"),
            ("platform-tag-repeated-manylinux", "cp312", "cp312", "manylinux1_x86_64.manylinux1_x86_64", "is repeated"),
            ("python-tag-empty-in-set", "py3..py2", "none", "any", "empty compatibility tag"),
            ("abi-tag-empty", "py3", "", "any", "empty compatibility tag"),
            ("platform-tag-trailing-dot", "py3", "none", "any.", "empty compatibility tag"),
            ("python-tag-overlong", new string('p', 300), "none", "any", "too long"),
            ("platform-tag-set-overlong", "py3", "none", string.Join('.', Enumerable.Range(0, 40).Select(i => $"manylinux_2_{i}_x86_64")), "too long"),
        ];
        foreach (var (name, python, abi, platform, mentions) in tags)
        {
            yield return Refused(name, c => Named(c, e => $"{e}-1.0-{python}-{abi}-{platform}.whl"), mentions);
        }

        yield return Refused("build-tag-not-a-number", c => Named(c, e => $"{e}-1.0-abc-py3-none-any.whl"), "Invalid build number");
        yield return Refused("build-tag-empty", c => Named(c, e => $"{e}-1.0--py3-none-any.whl"), "Invalid build number");
        yield return Refused("build-tag-quote", c => Named(c, e => $"{e}-1.0-1'x-py3-none-any.whl"), "Invalid build number");
        yield return Refused("build-tag-space", c => Named(c, e => $"{e}-1.0-1 x-py3-none-any.whl"), "Invalid build number");
        yield return Refused("three-tags-missing", c => Named(c, e => $"{e}-1.0.whl"), "wrong number of parts");
        yield return Refused("one-tag-missing", c => Named(c, e => $"{e}-1.0-py3-any.whl"), "wrong number of parts");
        yield return Refused("one-part-too-many", c => Named(c, e => $"{e}-1.0-1-2-py3-none-any.whl"), "wrong number of parts");
        yield return Refused("many-dashes", c => Named(c, e => $"{e}-1.0-{string.Join('-', Enumerable.Repeat("py3", 30))}-none-any.whl"), "wrong number of parts");
    }
}
