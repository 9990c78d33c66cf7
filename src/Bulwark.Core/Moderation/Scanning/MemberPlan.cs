namespace Bulwark.Core.Moderation.Scanning;

/// <summary>What the scanner does with one archive member.</summary>
internal enum MemberAction
{
    /// <summary>Not looked at (data, binaries in a wheel, documentation...).</summary>
    Skip,

    /// <summary>Read and analysed as Python source.</summary>
    Python,

    /// <summary>Read as a .pth file: its <c>import</c> lines run at interpreter start.</summary>
    Pth,

    /// <summary>A file of an sdist that is not source: only its first bytes are read, to recognise an executable.</summary>
    BinaryProbe,

    /// <summary>An extension-less script: read, analysed as Python if its first line names python.</summary>
    MaybeScript,

    /// <summary>PyArmor's runtime library, whose presence alone says the package is obfuscated.</summary>
    ArmorRuntime,
}

/// <summary>Decides, from its path alone, what to do with each member and when its code would run.</summary>
internal static class MemberPlan
{
    private static readonly HashSet<string> TestDirectories = new(StringComparer.OrdinalIgnoreCase)
    {
        "test", "tests", "testing", "doc", "docs", "example", "examples", "benchmark", "benchmarks", "bench", "demo", "demos", "samples",
    };

    /// <summary>The action and file kind for <paramref name="path"/> in a wheel (<paramref name="wheel"/>) or an sdist.</summary>
    public static (MemberAction Action, FileKind Kind) For(string path, bool wheel, bool sdist)
    {
        // In an sdist everything sits under one top-level directory; rules are about the path inside it.
        var relative = sdist && path.IndexOf('/') is var slash and > 0 ? path[(slash + 1)..] : path;
        var segments = relative.Split('/');
        var file = segments[^1];
        var directories = segments.AsSpan(0, segments.Length - 1);
        var lower = file.ToLowerInvariant();
        if (lower.EndsWith(".pth", StringComparison.Ordinal))
        {
            return (MemberAction.Pth, FileKind.Startup);
        }

        if (IsArmorRuntime(lower))
        {
            return (MemberAction.ArmorRuntime, FileKind.Module);
        }

        var inScripts = directories.Length > 0 && (directories[^1] is "scripts" or "bin" || (wheel && directories.Length >= 2 && directories[0].EndsWith(".data", StringComparison.Ordinal) && directories[1] == "scripts"));
        if (lower.EndsWith(".py", StringComparison.Ordinal) || lower.EndsWith(".pyw", StringComparison.Ordinal))
        {
            if (sdist && relative == "setup.py")
            {
                return (MemberAction.Python, FileKind.Setup);
            }

            if (wheel && directories.Length == 0 && lower is "sitecustomize.py" or "usercustomize.py")
            {
                return (MemberAction.Python, FileKind.Startup);
            }

            if (IsTestPath(directories, lower))
            {
                return (MemberAction.Python, FileKind.Test);
            }

            return (MemberAction.Python, inScripts ? FileKind.Script : FileKind.Module);
        }

        if (inScripts && !lower.Contains('.') && wheel)
        {
            return (MemberAction.MaybeScript, FileKind.Script);
        }

        return sdist ? (MemberAction.BinaryProbe, IsTestPath(directories, lower) ? FileKind.Test : FileKind.Module) : (MemberAction.Skip, FileKind.Module);
    }

    /// <summary>Order of reading in a ZIP: code that runs at install or start-up first, then package initialisers.</summary>
    public static int Priority(string path, bool wheel, bool sdist)
    {
        var (action, kind) = For(path, wheel, sdist);
        return (action, kind) switch
        {
            (MemberAction.Python, FileKind.Setup) or (MemberAction.Pth, _) or (_, FileKind.Startup) => 0,
            (MemberAction.Python, FileKind.Module) when path.EndsWith("__init__.py", StringComparison.Ordinal) => 1,
            (MemberAction.Python, FileKind.Module) => 2,
            (MemberAction.Skip, _) => 5,
            _ => 3,
        };
    }

    private static bool IsArmorRuntime(string file) =>
        (file.StartsWith("_pytransform.", StringComparison.Ordinal) || file.StartsWith("pytransform.", StringComparison.Ordinal)
            || file.StartsWith("pyarmor_runtime", StringComparison.Ordinal))
        && (file.EndsWith(".so", StringComparison.Ordinal) || file.EndsWith(".dll", StringComparison.Ordinal)
            || file.EndsWith(".dylib", StringComparison.Ordinal) || file.EndsWith(".pyd", StringComparison.Ordinal));

    private static bool IsTestPath(ReadOnlySpan<string> directories, string file)
    {
        foreach (var directory in directories)
        {
            if (TestDirectories.Contains(directory))
            {
                return true;
            }
        }

        return file.StartsWith("test_", StringComparison.Ordinal) || file.EndsWith("_test.py", StringComparison.Ordinal) || file == "conftest.py";
    }

    /// <summary>Whether the file name is that of a compiled extension module or shared library.</summary>
    public static bool IsExtensionModule(string path)
    {
        var lower = path.ToLowerInvariant();
        return lower.EndsWith(".so", StringComparison.Ordinal) || lower.EndsWith(".pyd", StringComparison.Ordinal)
            || lower.EndsWith(".dylib", StringComparison.Ordinal) || lower.EndsWith(".dll", StringComparison.Ordinal) || lower.Contains(".so.", StringComparison.Ordinal);
    }

    /// <summary>What kind of executable the first bytes of a file announce, or null.</summary>
    public static string? ExecutableKind(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 4 && head[..4].SequenceEqual((ReadOnlySpan<byte>)[0x7F, (byte)'E', (byte)'L', (byte)'F']))
        {
            return "ELF executable";
        }

        if (head.Length >= 0x40 && head[0] == 'M' && head[1] == 'Z')
        {
            var peOffset = BitConverter.ToInt32(head[0x3C..]);
            if (peOffset > 0 && peOffset + 4 <= head.Length && head.Slice(peOffset, 4).SequenceEqual("PE\0\0"u8))
            {
                return "PE (Windows) executable";
            }
        }

        if (head.Length >= 8)
        {
            var magic = (uint)(head[0] << 24 | head[1] << 16 | head[2] << 8 | head[3]);
            if (magic is 0xFEEDFACE or 0xFEEDFACF or 0xCEFAEDFE or 0xCFFAEDFE)
            {
                return "Mach-O executable";
            }

            // 0xCAFEBABE is also a Java class file; a fat Mach-O header counts a handful of architectures there.
            var count = (uint)(head[4] << 24 | head[5] << 16 | head[6] << 8 | head[7]);
            if (magic == 0xCAFEBABE && count is > 0 and < 20)
            {
                return "Mach-O universal executable";
            }
        }

        return null;
    }
}
