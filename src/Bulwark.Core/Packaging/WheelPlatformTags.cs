using System.Collections.Frozen;

namespace Bulwark.Core.Packaging;

/// <summary>
/// The wheel platform tags accepted for upload, the same allowlist PyPI enforces: tags with a defined,
/// portable ABI (manylinux, musllinux, macOS, Windows, iOS, Android, PyEmscripten) and never a bare
/// <c>linux_x86_64</c>. Tags are compared lower-case, as wheel tags are read lower-cased.
/// </summary>
public static class WheelPlatformTags
{
    /// <summary>Tags accepted exactly as listed.</summary>
    public static readonly FrozenSet<string> Exact = FrozenSet.ToFrozenSet(
    [
        "any",
        "win32", "win_arm64", "win_amd64", "win_ia64",
        "manylinux1_x86_64", "manylinux1_i686",
        "manylinux2010_x86_64", "manylinux2010_i686",
        "manylinux2014_x86_64", "manylinux2014_i686", "manylinux2014_aarch64", "manylinux2014_armv7l",
        "manylinux2014_ppc64", "manylinux2014_ppc64le", "manylinux2014_s390x",
        "linux_armv6l", "linux_armv7l",
    ]);

    /// <summary>Architectures of <c>macosx_{major}_{minor}_{arch}</c>.</summary>
    public static readonly FrozenSet<string> MacOSArchitectures = FrozenSet.ToFrozenSet(
        ["ppc", "ppc64", "i386", "x86_64", "arm64", "intel", "fat", "fat3", "fat64", "universal", "universal2"]);

    /// <summary>
    /// macOS majors accepted with minor <c>0</c> only (<c>macosx_11_0_arm64</c>); macOS 10 is accepted
    /// with any minor (<c>macosx_10_9_x86_64</c>).
    /// </summary>
    public static readonly FrozenSet<string> MacOSMajorVersions = FrozenSet.ToFrozenSet(["11", "12", "13", "14", "15", "26"]);

    /// <summary>Architectures of <c>manylinux_{glibc major}_{glibc minor}_{arch}</c> (PEP 600).</summary>
    public static readonly FrozenSet<string> ManylinuxArchitectures = FrozenSet.ToFrozenSet(
        ["x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64", "ppc64"]);

    /// <summary>Architectures of <c>musllinux_{musl major}_{musl minor}_{arch}</c> (PEP 656).</summary>
    public static readonly FrozenSet<string> MusllinuxArchitectures = FrozenSet.ToFrozenSet(
        ["x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64"]);

    /// <summary>Architectures of <c>ios_{major}_{minor}_{arch}_{sdk}</c> (PEP 730).</summary>
    public static readonly FrozenSet<string> IosArchitectures = FrozenSet.ToFrozenSet(["arm64", "x86_64"]);

    /// <summary>SDKs of <c>ios_{major}_{minor}_{arch}_{sdk}</c>.</summary>
    public static readonly FrozenSet<string> IosSdks = FrozenSet.ToFrozenSet(["iphoneos", "iphonesimulator"]);

    /// <summary>Architectures of <c>android_{api level}_{arch}</c> (PEP 738).</summary>
    public static readonly FrozenSet<string> AndroidArchitectures = FrozenSet.ToFrozenSet(["armeabi_v7a", "arm64_v8a", "x86", "x86_64"]);

    /// <summary>The only architecture of <c>pyemscripten_{year}_{patch}_{arch}</c> (PEP 783).</summary>
    public const string PyEmscriptenArchitecture = "wasm32";

    /// <summary>Whether a wheel with this platform tag may be uploaded. Version numbers must be ASCII digits.</summary>
    public static bool IsAllowed(string platformTag)
    {
        ArgumentNullException.ThrowIfNull(platformTag);
        if (Exact.Contains(platformTag))
        {
            return true;
        }

        var rest = platformTag.AsSpan();
        if (TakePrefix(ref rest, "macosx_"))
        {
            return TakeNumber(ref rest, out var major) && TakeNumber(ref rest, out var minor)
                && MacOSArchitectures.Contains(rest.ToString())
                && (major is "10" || (MacOSMajorVersions.Contains(major) && minor is "0"));
        }

        if (TakePrefix(ref rest, "manylinux_"))
        {
            return TakeNumber(ref rest, out _) && TakeNumber(ref rest, out _) && ManylinuxArchitectures.Contains(rest.ToString());
        }

        if (TakePrefix(ref rest, "musllinux_"))
        {
            return TakeNumber(ref rest, out _) && TakeNumber(ref rest, out _) && MusllinuxArchitectures.Contains(rest.ToString());
        }

        if (TakePrefix(ref rest, "ios_"))
        {
            if (!TakeNumber(ref rest, out _) || !TakeNumber(ref rest, out _))
            {
                return false;
            }

            var sdkSeparator = rest.LastIndexOf('_');
            return sdkSeparator > 0
                && IosSdks.Contains(rest[(sdkSeparator + 1)..].ToString())
                && IosArchitectures.Contains(rest[..sdkSeparator].ToString());
        }

        if (TakePrefix(ref rest, "android_"))
        {
            return TakeNumber(ref rest, out _) && AndroidArchitectures.Contains(rest.ToString());
        }

        if (TakePrefix(ref rest, "pyemscripten_"))
        {
            return TakeNumber(ref rest, out _) && TakeNumber(ref rest, out _) && rest.SequenceEqual(PyEmscriptenArchitecture);
        }

        return false;
    }

    private static bool TakePrefix(ref ReadOnlySpan<char> rest, string prefix)
    {
        if (!rest.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        rest = rest[prefix.Length..];
        return true;
    }

    /// <summary>Takes one or more ASCII digits followed by <c>_</c>.</summary>
    private static bool TakeNumber(ref ReadOnlySpan<char> rest, out string digits)
    {
        var length = 0;
        while (length < rest.Length && char.IsAsciiDigit(rest[length]))
        {
            length++;
        }

        digits = rest[..length].ToString();
        if (length == 0 || length >= rest.Length || rest[length] != '_')
        {
            return false;
        }

        rest = rest[(length + 1)..];
        return true;
    }
}
