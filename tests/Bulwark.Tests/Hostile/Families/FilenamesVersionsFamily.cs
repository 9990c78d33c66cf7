using static Bulwark.Tests.Hostile.UploadVariants;

namespace Bulwark.Tests.Hostile.Families;

/// <summary>
/// Versions that are not PEP 440 (or too long to store), project names that are not names, and filenames that
/// try to leave the storage directory, smuggle control characters or look-alike letters, run past what a file
/// system holds, or disagree with the upload. Each is refused before a byte of the file is stored.
/// </summary>
[HostileFamily]
public static class FilenamesVersionsFamily
{
    private const string F = "filenames-versions";
    private const string BadVersion = "invalid value for Version";
    private const string BadName = "invalid value for Name";

    public static IEnumerable<HostileCase> Cases() => Versions().Concat(Names()).Concat(Filenames());

    private static HostileCase Refused(string name, Func<HostileContext, HttpRequestMessage> build, string mentions) =>
        new(F, name, build, HostileExpectation.Refused(mentions));

    private static IEnumerable<HostileCase> Versions()
    {
        (string Case, string Version, string Mentions)[] versions =
        [
            ("version-empty", "", "Invalid value for version"),
            ("version-words", "latest", BadVersion),
            ("version-letter-x", "1.0.x", BadVersion),
            ("version-double-dot", "1..0", BadVersion),
            ("version-trailing-dash", "1.0-", BadVersion),
            ("version-bare-epoch", "1!", BadVersion),
            ("version-hex", "0x10", BadVersion),
            ("version-shell", "1.0;rm -rf /", BadVersion),
            ("version-two-lines", "1.0\n2.0", BadVersion),
            ("version-nul", "1.0\0", BadVersion),
            ("version-fullwidth-digits", "１.０", BadVersion),
            ("version-arabic-indic-digits", "١.٠", BadVersion),
            ("version-leading-space", " 1.0", "leading or trailing whitespace"),
            ("version-trailing-nbsp", "1.0\u00a0", "leading or trailing whitespace"),
            ("version-number-past-long", "99999999999999999999.0", BadVersion),
            ("version-513-characters", "1." + new string('0', 511), BadVersion),
            ("version-over-100-characters", string.Join('.', Enumerable.Repeat("1", 51)), "at most 100 characters"),
            ("version-local", "1.0+local", "local versions"),
            ("version-local-ubuntu", "1.0+ubuntu.1", "local versions"),
            ("version-pre-garbage", "1.0a1.b2", BadVersion),
            ("version-megabyte", new string('1', 1024 * 1024), BadVersion),
        ];
        foreach (var (name, version, mentions) in versions)
        {
            yield return Refused(name, c => FormField(c, "version", version), mentions);
        }
    }

    private static IEnumerable<HostileCase> Names()
    {
        (string Case, string Name)[] names =
        [
            ("name-leading-dash", "-hostile"),
            ("name-trailing-dot", "hostile."),
            ("name-space", "hostile name"),
            ("name-slash-traversal", "../hostile"),
            ("name-backslash", "hostile\\name"),
            ("name-nul", "hostile\0name"),
            ("name-cyrillic-lookalike", "hostilе-name"),
            ("name-all-cyrillic", "пакет"),
            ("name-zero-width-space", "hostile\u200bname"),
            ("name-right-to-left-override", "hostile\u202ename"),
            ("name-201-characters", "h" + new string('x', 200)),
            ("name-megabyte", new string('n', 1024 * 1024) + "!"),
            ("name-only-dots", "..."),
        ];
        foreach (var (name, value) in names)
        {
            yield return Refused(name, c => FormField(c, "name", value), BadName);
        }
        yield return Refused("name-empty", c => FormField(c, "name", ""), "Invalid value for name");
    }

    private static IEnumerable<HostileCase> Filenames()
    {
        const string Separator = "'/' or '\\'";
        const string Control = "non-printable characters";
        const string Extension = "Invalid file extension";
        yield return Refused("filename-parent-traversal", c => Named(c, e => $"../{e}-1.0-py3-none-any.whl"), Separator);
        yield return Refused("filename-deep-traversal", c => Named(c, e => $"../../../../etc/{e}-1.0-py3-none-any.whl"), Separator);
        yield return Refused("filename-backslash-traversal", c => Named(c, e => $"..\\..\\{e}-1.0-py3-none-any.whl"), Separator);
        yield return Refused("filename-absolute", c => Named(c, e => $"/tmp/{e}-1.0-py3-none-any.whl"), Separator);
        yield return Refused("filename-windows-drive", c => Named(c, e => $"C:\\{e}-1.0-py3-none-any.whl"), Separator);
        yield return Refused("filename-sdist-traversal", c => Named(c, e => $"../{e}-1.0.tar.gz", wheel: false), Separator);
        yield return Refused("filename-dot-dot", c => Named(c, _ => ".."), Extension);
        yield return Refused("filename-dot", c => Named(c, _ => "."), Extension);
        yield return Refused("filename-only-extension", c => Named(c, _ => ".whl"), Extension);
        yield return Refused("filename-empty", c => Named(c, _ => ""), Extension);
        yield return Refused("filename-nul", c => Named(c, e => $"{e}\0-1.0-py3-none-any.whl"), Control);
        yield return Refused("filename-nul-before-extension", c => Named(c, e => $"{e}-1.0-py3-none-any.whl\0.exe"), Control);
        yield return Refused("filename-newline", c => Named(c, e => $"{e}-1.0-py3-none-any\n.whl"), Control);
        yield return Refused("filename-carriage-return", c => Named(c, e => $"{e}-1.0-py3-none-any.whl\r"), Control);
        yield return Refused("filename-tab", c => Named(c, e => $"{e}\t-1.0-py3-none-any.whl"), Control);
        yield return Refused("filename-escape", c => Named(c, e => $"{e}\x1b[31m-1.0-py3-none-any.whl"), Control);
        yield return Refused("filename-delete", c => Named(c, e => $"{e}\x7f-1.0-py3-none-any.whl"), Control);
        yield return Refused("filename-cyrillic-lookalike", c => Named(c, e => $"{e.Replace('e', 'е')}-1.0-py3-none-any.whl"), "Invalid project name");
        yield return Refused("filename-zero-width-space", c => Named(c, e => $"{e}\u200b-1.0-py3-none-any.whl"), "Invalid project name");
        yield return Refused("filename-right-to-left-override", c => Named(c, e => $"{e}-1.0-py3-none-any\u202elhw.exe"), Extension);
        yield return Refused("filename-fullwidth-dot-whl", c => Named(c, e => $"{e}-1.0-py3-none-any．whl"), Extension);
        yield return Refused("filename-fullwidth-version", c => Named(c, e => $"{e}-１.０-py3-none-any.whl"), "invalid version");
        yield return Refused("filename-double-extension", c => Named(c, e => $"{e}-1.0-py3-none-any.whl.exe"), Extension);
        yield return Refused("filename-exe", c => Named(c, e => $"{e}-1.0-py3-none-any.exe"), Extension);
        yield return Refused("filename-egg", c => Named(c, e => $"{e}-1.0-py3.12.egg"), Extension);
        yield return Refused("filename-upper-case-whl", c => Named(c, e => $"{e}-1.0-py3-none-any.WHL"), Extension);
        yield return Refused("filename-sdist-bz2", c => Named(c, e => $"{e}-1.0.tar.bz2", wheel: false), Extension);
        yield return Refused("filename-sdist-as-wheel", c => Named(c, e => $"{e}-1.0.tar.gz"), "is invalid for filetype bdist_wheel");
        yield return Refused("filename-wheel-as-sdist", c => Named(c, e => $"{e}-1.0-py3-none-any.whl", wheel: false), "is invalid for filetype sdist");
        yield return Refused("filename-zip-sdist", c => Named(c, e => $"{e}-1.0.zip", wheel: false), "should be");
        yield return Refused("filename-sdist-not-normalized", c => Named(c, e => $"{e.ToUpperInvariant()}-1.0.tar.gz", wheel: false), "should be");
        yield return Refused("filename-sdist-without-version", c => Named(c, e => $"{e}.tar.gz", wheel: false), "Invalid source distribution filename");
        yield return Refused("filename-other-project", c => Named(c, _ => "requests-1.0-py3-none-any.whl"), "Start filename for");
        yield return Refused("filename-other-version", c => Named(c, e => $"{e}-2.0-py3-none-any.whl"), "Version in filename should be");
        yield return Refused("filename-local-version", c => Named(c, e => $"{e}-1.0+evil-py3-none-any.whl"), "Version in filename should be");
        yield return Refused("filename-name-not-escaped", c => Named(c, e => $"{e.Replace('_', '.')}-1.0-py3-none-any.whl"), "normalized project name");
        yield return Refused("filename-double-underscore", c => Named(c, e => $"{e.Replace("_", "__")}-1.0-py3-none-any.whl"), "Invalid project name");
        yield return Refused("filename-overlong-wheel", c => Named(c, e => $"{e}-1.0-py3-none-{string.Join('.', Enumerable.Repeat("win32", 50))}.whl"), "too long");
        yield return Refused("filename-overlong-sdist", c => Named(c, e => $"{e}-{string.Join('.', Enumerable.Repeat("1", 130))}.tar.gz", wheel: false), "too long");
        yield return Refused("filename-ten-thousand-characters", c => Named(c, e => e + new string('x', 10_000) + "-1.0-py3-none-any.whl"), "too long");
        yield return Refused("filename-percent-encoded-slash", c => Named(c, e => $"..%2F{e}-1.0-py3-none-any.whl"), "Invalid project name");
        yield return Refused("filename-image-content-type", c => HostileRequests.Upload(c, f => f.ContentType = "image/png"), "Invalid distribution file");
        yield return Refused("filename-missing-file-part", c => HostileRequests.Upload(c, f => f.IncludeFile = false), "does not have a file");
    }
}
