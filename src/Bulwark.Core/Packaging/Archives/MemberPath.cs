namespace Bulwark.Core.Packaging.Archives;

/// <summary>
/// The naming policy for archive members. Installers and build tools extract sdists and wheels to disk, so a
/// name that could land outside the target directory, or mean different things on different systems, is refused
/// outright rather than normalized: what we index must be what every client sees.
/// </summary>
internal static class MemberPath
{
    /// <summary>Returns why <paramref name="name"/> is unsafe, or null when it is acceptable.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0)
        {
            return "has an empty name";
        }

        foreach (var c in name)
        {
            // Control characters can hide the real name in logs and terminals, and some storage refuses them.
            if (c < 0x20 || c == 0x7F)
            {
                return "contains a control character";
            }
        }

        if (name[0] == '/')
        {
            return "is an absolute path";
        }

        // Windows treats '\' as a separator: "a\..\..\x" is traversal there even though it is one name here.
        if (name.Contains('\\'))
        {
            return "contains a backslash";
        }

        if (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':')
        {
            return "starts with a drive letter";
        }

        var path = name.EndsWith('/') ? name[..^1] : name;
        foreach (var segment in path.Split('/'))
        {
            switch (segment)
            {
                case "..":
                    return "contains a '..' path segment";
                case ".":
                    return "contains a '.' path segment";
                case "":
                    return "contains an empty path segment";
            }
        }

        return null;
    }

    /// <summary>The first path segment (the top-level directory of the member).</summary>
    public static string TopLevel(string name)
    {
        var slash = name.IndexOf('/');
        return slash < 0 ? name : name[..slash];
    }

    /// <summary>The name without a trailing slash (directories are written both ways).</summary>
    public static string WithoutTrailingSlash(string name) => name.EndsWith('/') ? name[..^1] : name;
}
