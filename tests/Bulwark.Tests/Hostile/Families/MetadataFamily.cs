using static Bulwark.Tests.Hostile.UploadVariants;

namespace Bulwark.Tests.Hostile.Families;

/// <summary>
/// Core metadata meant to hurt: nesting bombs and megabyte values in the form and inside the wheel's METADATA
/// or the sdist's PKG-INFO, floods of values, encodings that are not UTF-8, BOMs and NULs, single-use fields
/// given twice, metadata versions that disagree, absurd classifiers, script URLs and broken e-mail lists.
/// Each is refused with a message that names the field or the problem, and the index keeps serving.
/// </summary>
[HostileFamily]
public static class MetadataFamily
{
    private const string F = "metadata";
    private const string Deep = "nested too deeply";
    private const string TooLong = "too long";
    private const int Bomb = 200_000;
    private static readonly string Megabyte = new('x', 1024 * 1024);
    private static readonly string DeepMarker = "a; " + Nested(Bomb, "os_name == 'nt'");

    public static IEnumerable<HostileCase> Cases() => FormBombs().Concat(FormFields()).Concat(InFile()).Concat(Encodings());

    private static HostileCase Refused(string name, Func<HostileContext, HttpRequestMessage> build, string mentions) =>
        new(F, name, build, HostileExpectation.Refused(mentions));

    private static IEnumerable<HostileCase> FormBombs()
    {
        yield return Refused("form-requires-dist-deep-marker", c => FormField(c, "requires_dist", DeepMarker, add: true), "'requires-dist': " + Deep);
        yield return Refused("form-requires-dist-deep-specifier", c => FormField(c, "requires_dist", "a" + new string('(', Bomb), add: true), "'requires-dist': " + Deep);
        yield return Refused("form-requires-dist-65-deep", c => FormField(c, "requires_dist", "a; " + Nested(65, "os_name == 'nt'"), add: true), "'requires-dist': " + Deep);
        yield return Refused("form-requires-dist-unclosed", c => FormField(c, "requires_dist", "a; " + new string('(', 50) + "os_name == 'nt'", add: true), "is invalid for 'requires-dist'");
        yield return Refused("form-license-expression-deep", c => FormField(c, "license_expression", Nested(Bomb, "MIT")), "'license-expression': " + Deep);
        yield return Refused("form-license-expression-unbalanced", c => FormField(c, "license_expression", new string('(', Bomb)), "'license-expression': " + Deep);
        yield return Refused("form-provides-dist-deep", c => FormField(c, "provides_dist", DeepMarker, add: true), "'provides-dist': " + Deep);
        yield return Refused("form-obsoletes-dist-deep", c => FormField(c, "obsoletes_dist", DeepMarker, add: true), "'obsoletes-dist': " + Deep);
        yield return Refused("form-requires-dist-megabyte", c => FormField(c, "requires_dist", "a>=" + Megabyte, add: true), "'requires-dist': " + TooLong);
        yield return Refused("form-requires-dist-many-clauses", c => FormField(c, "requires_dist",
            "a; " + string.Join(" and ", Enumerable.Repeat("os_name == 'nt'", 50_000)), add: true), "'requires-dist': " + TooLong);
        yield return Refused("form-requires-python-megabyte", c => FormField(c, "requires_python", string.Concat(Enumerable.Repeat(">=1,", 300_000))), "'requires-python': " + TooLong);
        yield return Refused("form-requires-python-commas", c => FormField(c, "requires_python", new string(',', 100_000)), "'requires-python': " + TooLong);
        yield return Refused("form-summary-megabyte", c => FormField(c, "summary", Megabyte), "'summary': " + TooLong);
        yield return Refused("form-keywords-megabyte", c => FormField(c, "keywords", string.Join(',', Enumerable.Repeat("kw", 400_000))), "'keywords': " + TooLong);
        yield return Refused("form-author-megabyte", c => FormField(c, "author", Megabyte), "'author': " + TooLong);
        yield return Refused("form-author-email-megabyte", c => FormField(c, "author_email", string.Join(", ", Enumerable.Repeat("a@example.org", 80_000))), "'author-email': " + TooLong);
        yield return Refused("form-home-page-megabyte", c => FormField(c, "home_page", "https://example.org/" + Megabyte), "'home-page': " + TooLong);
        yield return Refused("form-classifier-megabyte", c => FormField(c, "classifiers", Megabyte, add: true), "'classifier': " + TooLong);
        yield return Refused("form-license-over-a-megabyte", c => FormField(c, "license", Megabyte + Megabyte), "'license': " + TooLong);
        yield return Refused("form-metadata-version-megabyte", c => FormField(c, "metadata_version", Megabyte), "'metadata-version': " + TooLong);
        yield return Refused("form-six-thousand-classifiers", c => HostileRequests.Upload(c, f =>
        {
            for (var i = 0; i < 6_000; i++) f.Add("classifiers", "Programming Language :: Python :: 3");
        }), "'classifier' has too many values");
        yield return Refused("form-eleven-thousand-fields", c => HostileRequests.Upload(c, f =>
        {
            for (var i = 0; i < 11_000; i++) f.Add("x_unknown", "");
        }), "too many form fields (more than 10000)");
    }

    private static IEnumerable<HostileCase> FormFields()
    {
        (string Case, string Key, string Value, bool Add, string Mentions)[] fields =
        [
            ("form-direct-url-dependency", "requires_dist", "evil @ https://evil.example/evil.whl", true, "direct dependency"),
            ("form-bad-requirement", "requires_dist", "a (>=1.x)", true, "is invalid for 'requires-dist'"),
            ("form-requirement-unknown-marker", "requires_dist", "a; __import__('os') == 'x'", true, "is invalid for 'requires-dist'"),
            ("form-bad-requires-python", "requires_python", ">=3.x", false, "is invalid for 'requires-python'"),
            ("form-requires-python-parentheses", "requires_python", "((>=3))", false, "is invalid for 'requires-python'"),
            ("form-summary-two-lines", "summary", "one\ntwo", false, "single line"),
            ("form-summary-513-characters", "summary", new string('s', 513), false, "512 characters or less"),
            ("form-absurd-classifier", "classifiers", "Absurd :: Made Up :: Classifier", true, "is not a valid classifier"),
            ("form-classifier-control-characters", "classifiers", "Programming Language :: Python\u0000", true, "is not a valid classifier"),
            ("form-classifier-lookalike", "classifiers", "Programming Language :: Pythоn :: 3", true, "is not a valid classifier"),
            ("form-deprecated-classifier", "classifiers", "Natural Language :: Ukranian", true, "deprecated"),
            ("form-project-url-javascript", "project_urls", "Home, javascript:alert(1)", true, "is not a valid url"),
            ("form-project-url-javascript-upper", "project_urls", "Home, JaVaScRiPt:alert(1)", true, "is not a valid url"),
            ("form-project-url-data", "project_urls", "Home, data:text/html,<script>alert(1)</script>", true, "is not a valid url"),
            ("form-project-url-file", "project_urls", "Home, file:///etc/passwd", true, "is not a valid url"),
            ("form-project-url-vbscript", "project_urls", "Home, vbscript:msgbox(1)", true, "is not a valid url"),
            ("form-project-url-script-tag", "project_urls", "Home, https://example.org/\"><script>alert(1)</script>", true, "is not a valid url"),
            ("form-project-url-no-url", "project_urls", "Home", true, "Must have a URL"),
            ("form-project-url-no-label", "project_urls", ", https://example.org/", true, "Must have a label"),
            ("form-project-url-long-label", "project_urls", new string('L', 33) + ", https://example.org/", true, "32 characters or less"),
            ("form-home-page-javascript", "home_page", "javascript:alert(document.cookie)", false, "is not a valid url"),
            ("form-home-page-space", "home_page", "https://exa mple.org/", false, "is not a valid url"),
            ("form-download-url-ftp", "download_url", "ftp://example.org/x.tar.gz", false, "is not a valid url"),
            ("form-author-email-not-an-address", "author_email", "not-an-address", false, "is not a valid email address"),
            ("form-author-email-localhost", "author_email", "root@localhost", false, "is not a valid email address"),
            ("form-author-email-special-use", "author_email", "a@example.test", false, "special-use"),
            ("form-maintainer-email-two-at-signs", "maintainer_email", "a@b@example.org", false, "is not a valid email address"),
            ("form-author-email-many-bad-characters", "author_email", "<" + string.Concat(Enumerable.Range(0x2000, 200).Select(i => (char)i)) + "@example.org>", false, "is not a valid email address"),
            ("form-author-email-unclosed-comment", "author_email", "(((((((((( a@example.org", false, "is not a valid email address"),
            ("form-metadata-version-2-0", "metadata_version", "2.0", false, "is not a valid metadata version"),
            ("form-metadata-version-9", "metadata_version", "9.9", false, "is not a valid metadata version"),
            ("form-license-and-expression", "license", "MIT License", false, "License is deprecated when License-Expression is present"),
            ("form-license-expression-dangling", "license_expression", "MIT AND", false, "is invalid for 'license-expression'"),
            ("form-license-expression-double-or", "license_expression", "MIT OR OR Apache-2.0", false, "is invalid for 'license-expression'"),
            ("form-dynamic-name", "dynamic", "Name", true, "is not allowed as a dynamic field"),
            ("form-dynamic-bogus", "dynamic", "Bogus-Field", true, "is not a valid dynamic field"),
            ("form-content-type-html", "description_content_type", "text/html", false, "must be one of"),
            ("form-content-type-latin1", "description_content_type", "text/markdown; charset=latin-1", false, "UTF-8 charset"),
            ("form-content-type-variant", "description_content_type", "text/markdown; variant=evil", false, "Markdown variants"),
            ("form-provides-extra-invalid", "provides_extra", "not valid!", true, "is invalid for 'provides-extra'"),
            ("form-license-file-traversal", "license_file", "../../etc/passwd", true, "parent directory indicators"),
            ("form-license-file-absolute", "license_file", "/etc/passwd", true, "paths must be relative"),
            ("form-license-file-drive", "license_file", "C:\\Windows\\win.ini", true, "paths must be relative"),
            ("form-license-file-glob", "license_file", "LICENSE*", true, "paths must be resolved"),
            ("form-summary-twice", "summary", "second summary", true, "Should not be a tuple"),
            ("form-name-twice", "name", "another-name", true, "Should not be a tuple"),
            ("form-version-twice", "version", "2.0", true, "Should not be a tuple"),
            ("form-protocol-version-2", "protocol_version", "2", false, "Unknown protocol version"),
            ("form-action-submit", ":action", "submit", false, "no longer supported"),
            ("form-filetype-egg", "filetype", "bdist_egg", false, "Unknown type of file"),
            ("form-pyversion-two-lines", "pyversion", "py3\npy2", false, "invalid value for pyversion"),
            ("form-pyversion-megabyte", "pyversion", Megabyte, false, "invalid value for pyversion"),
            ("form-sha256-not-hex", "sha256_digest", new string('g', 64), false, "invalid value for sha256_digest"),
            ("form-sha256-megabyte", "sha256_digest", Megabyte, false, "invalid value for sha256_digest"),
            ("form-sha256-wrong", "sha256_digest", new string('0', 64), false, "digest supplied does not match"),
        ];
        foreach (var (name, key, value, add, mentions) in fields)
        {
            yield return Refused(name, c => key == "license"
                ? HostileRequests.Upload(c, f => f.Set("license", value).Set("license_expression", "MIT"))
                : FormField(c, key, value, add), mentions);
        }
    }

    private static IEnumerable<HostileCase> InFile()
    {
        const string Invalid = "Invalid metadata in ";
        foreach (var wheel in new[] { true, false })
        {
            var kind = wheel ? "wheel" : "sdist";
            yield return Refused($"{kind}-requires-dist-deep", c => ExtraMetadata(c, $"Requires-Dist: {DeepMarker}\n", wheel), "'requires-dist': " + Deep);
            yield return Refused($"{kind}-license-expression-deep", c => ExtraMetadata(c, $"License-Expression: {Nested(Bomb, "MIT")}\n", wheel), "'license-expression': " + Deep);
            yield return Refused($"{kind}-requires-dist-megabyte", c => ExtraMetadata(c, $"Requires-Dist: a>={Megabyte}\n", wheel), "'requires-dist': " + TooLong);
            yield return Refused($"{kind}-absurd-classifier", c => ExtraMetadata(c, "Classifier: Absurd :: Made Up\n", wheel), "is not a valid classifier");
            yield return Refused($"{kind}-project-url-javascript", c => ExtraMetadata(c, "Project-URL: Home, javascript:alert(1)\n", wheel), "is not a valid url");
            yield return Refused($"{kind}-duplicate-summary", c => ExtraMetadata(c, "Summary: a second summary\n", wheel), "'summary' has invalid data");
            yield return Refused($"{kind}-duplicate-name", c => ExtraMetadata(c, "Name: someone-else\n", wheel), "'name' has invalid data");
            yield return Refused($"{kind}-duplicate-version", c => ExtraMetadata(c, "Version: 9.9\n", wheel), "'version' has invalid data");
            yield return Refused($"{kind}-six-thousand-classifiers", c => ExtraMetadata(c,
                string.Concat(Enumerable.Repeat("Classifier: Programming Language :: Python :: 3\n", 6_000)), wheel), "'classifier' has too many values");
            yield return Refused($"{kind}-twenty-thousand-headers", c => ExtraMetadata(c,
                string.Concat(Enumerable.Range(0, 20_001).Select(i => $"X-{i}: v\n")), wheel), "more than 20000 headers");
            yield return Refused($"{kind}-metadata-version-mismatch", c => Built(c, s => s with { MetadataVersion = "2.2" }, wheel, f => f.Set("metadata_version", "2.1")), "does not match Metadata-Version");
            yield return Refused($"{kind}-metadata-version-invalid-in-file", c => Built(c, s => s with { MetadataVersion = "9.9" }, wheel, f => f.Set("metadata_version", "2.1")), Invalid);
            yield return Refused($"{kind}-direct-url-dependency", c => ExtraMetadata(c, "Requires-Dist: evil @ https://evil.example/e.whl\n", wheel), "direct dependency");
            yield return Refused($"{kind}-email-javascript", c => ExtraMetadata(c, "Author-email: javascript:alert(1)\n", wheel), "is not a valid email address");
        }
    }

    private static IEnumerable<HostileCase> Encodings()
    {
        foreach (var wheel in new[] { true, false })
        {
            var kind = wheel ? "wheel" : "sdist";
            yield return Refused($"{kind}-metadata-invalid-utf8", c => RawMetadata(c, m => AfterFirstLine(m, Utf8("Author: ").Concat(new byte[] { 0xFF, 0xFE, (byte)'\n' }).ToArray()), wheel), "not valid UTF-8");
            yield return Refused($"{kind}-metadata-latin1", c => RawMetadata(c, m => AfterFirstLine(m, [.. Utf8("Author: Jos"), 0xE9, (byte)'\n']), wheel), "not valid UTF-8");
            yield return Refused($"{kind}-metadata-overlong-slash", c => RawMetadata(c, m => AfterFirstLine(m, [.. Utf8("Author: a"), 0xC0, 0xAF, (byte)'\n']), wheel), "not valid UTF-8");
            yield return Refused($"{kind}-metadata-encoded-surrogate", c => RawMetadata(c, m => AfterFirstLine(m, [.. Utf8("Author: a"), 0xED, 0xA0, 0x80, (byte)'\n']), wheel), "not valid UTF-8");
            yield return Refused($"{kind}-metadata-utf16le-bom", c => RawMetadata(c, m => [0xFF, 0xFE, .. System.Text.Encoding.Unicode.GetBytes(m)], wheel), "not valid UTF-8");
            yield return Refused($"{kind}-metadata-utf16le", c => RawMetadata(c, m => System.Text.Encoding.Unicode.GetBytes(m), wheel), "NUL");
            yield return Refused($"{kind}-metadata-utf16be", c => RawMetadata(c, m => System.Text.Encoding.BigEndianUnicode.GetBytes(m), wheel), "NUL");
            yield return Refused($"{kind}-metadata-utf8-bom", c => RawMetadata(c, m => [0xEF, 0xBB, 0xBF, .. Utf8(m)], wheel), "not a valid header");
            yield return Refused($"{kind}-metadata-nul-in-value", c => RawMetadata(c, m => AfterFirstLine(m, [.. Utf8("Author: a"), 0x00, (byte)'b', (byte)'\n']), wheel), "NUL");
            yield return Refused($"{kind}-metadata-header-without-colon", c => RawMetadata(c, m => AfterFirstLine(m, Utf8("This is not a header\n")), wheel), "not a valid header");
            yield return Refused($"{kind}-metadata-starts-with-continuation", c => RawMetadata(c, m => Utf8("  continued\n" + m), wheel), "continuation line");
            yield return Refused($"{kind}-metadata-non-ascii-header-name", c => RawMetadata(c, m => AfterFirstLine(m, Utf8("Nämé: x\n")), wheel), "not a valid header");
        }
    }
}
