using System.Text;
using Bulwark.Core.Packaging.Metadata;

namespace Bulwark.Core.Tests.Packaging;

public class MetadataValidatorTests
{
    private const string More = " See https://packaging.python.org/specifications/core-metadata for more information.";

    private static CoreMetadata Parse(string headers, string? mv = "2.4") =>
        CoreMetadata.Parse(Encoding.UTF8.GetBytes((mv is null ? "" : $"Metadata-Version: {mv}\n") + headers));

    private static CoreMetadata Valid(string extra = "") => Parse($"Name: sample\nVersion: 1.0\n{extra}");

    private static string? FirstError(CoreMetadata m, MetadataValidationOptions? options = null) =>
        MetadataValidator.Validate(m, options)?.Message;

    [Fact]
    public void Well_formed_metadata_passes()
    {
        var m = Valid(
            "Summary: Fine\nAuthor-email: Jane Doe <jane@example.org>, bob@example.com\n" +
            "Classifier: Programming Language :: Python :: 3\nHome-page: https://example.org/\n" +
            "Project-URL: Source, https://example.org/src?x=1#top\nRequires-Python: >=3.8\n" +
            "Requires-Dist: requests[socks,security] (>=2.0,<3) ; python_version >= \"3.8\" and extra == 'net'\n" +
            "Provides-Extra: net\nDescription-Content-Type: text/markdown; charset=UTF-8; variant=CommonMark\n" +
            "License-Expression: MIT OR (Apache-2.0 WITH LLVM-exception)\nLicense-File: LICENSE\nDynamic: Classifier\n");

        Assert.Empty(MetadataValidator.ValidateAll(m));
    }

    [Theory]
    [InlineData("2.0", "'2.0' is not a valid metadata version.")]
    [InlineData("3.0", "'3.0' is not a valid metadata version.")]
    [InlineData(null, "None is not a valid metadata version.")]
    public void Unsupported_metadata_versions_are_refused(string? mv, string message)
    {
        Assert.Equal(message + More, FirstError(Parse("Name: sample\nVersion: 1.0\n", mv)));
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("1.2")]
    [InlineData("2.1")]
    [InlineData("2.5")]
    public void Supported_metadata_versions_pass(string mv)
    {
        Assert.Null(FirstError(Parse("Name: sample\nVersion: 1.0\n", mv)));
    }

    [Fact]
    public void The_metadata_version_error_wins_over_later_fields()
    {
        Assert.Equal("'9.9' is not a valid metadata version." + More,
            FirstError(Parse("Name: -bad-\nVersion: nope\nHome-page: ftp://x\n", "9.9")));
    }

    [Fact]
    public void Name_errors_win_over_version_errors()
    {
        Assert.Equal("'-bad-' is invalid for 'name'." + More, FirstError(Parse("Name: -bad-\nVersion: nope\n")));
    }

    [Fact]
    public void A_missing_name_is_refused()
    {
        Assert.Equal("'name' is a required field." + More, FirstError(Parse("Version: 1.0\n")));
    }

    [Fact]
    public void A_duplicated_name_is_refused()
    {
        Assert.Equal("'name' has invalid data." + More, FirstError(Parse("Name: a\nName: b\nVersion: 1.0\n")));
    }

    [Fact]
    public void An_invalid_version_is_refused()
    {
        Assert.Equal("'1.0-foo-bar' is invalid for 'version'." + More, FirstError(Parse("Name: sample\nVersion: 1.0-foo-bar\n")));
    }

    [Fact]
    public void A_missing_version_is_refused()
    {
        Assert.Equal("'version' is a required field." + More, FirstError(Parse("Name: sample\n")));
    }

    [Fact]
    public void Local_versions_are_refused_with_the_normalized_version()
    {
        Assert.Equal("The use of local versions in '1.0+ubuntu.1' is not allowed." + More,
            FirstError(Parse("Name: sample\nVersion: 1.0+Ubuntu-1\n")));
    }

    [Fact]
    public void A_summary_over_512_characters_is_refused()
    {
        Assert.Equal("'summary' field must be 512 characters or less." + More, FirstError(Valid($"Summary: {new string('é', 513)}\n")));
        Assert.Null(FirstError(Valid($"Summary: {new string('é', 512)}\n")));
    }

    [Fact]
    public void A_multi_line_summary_is_refused()
    {
        Assert.Equal("'summary' must be a single line." + More, FirstError(Valid("Summary: one\n two\n")));
    }

    [Theory]
    [InlineData("jane", "'jane' is not a valid email address: An email address must have an @-sign.")]
    [InlineData("Jane <jane@localhost>", "'jane@localhost' is not a valid email address: The part after the @-sign is not valid. It should have a period.")]
    [InlineData("ok@example.org, bad@@example.org", "'bad@@example.org' is not a valid email address: The email address contains invalid characters before the @-sign: '@'.")]
    [InlineData("j..d@example.org", "'j..d@example.org' is not a valid email address: An email address cannot have two periods in a row.")]
    [InlineData("jd@example.test", "'jd@example.test' is not a valid email address: The part after the @-sign is a special-use or reserved name that cannot be used with email.")]
    [InlineData("jd@-example.org", "'jd@-example.org' is not a valid email address: An email address cannot have a hyphen immediately after the @-sign.")]
    public void Invalid_author_emails_are_refused(string field, string message)
    {
        Assert.Equal(message + More, FirstError(Valid($"Author-email: {field}\n")));
    }

    [Fact]
    public void Invalid_maintainer_emails_are_refused()
    {
        Assert.Equal("'x y@example.org' is not a valid email address: The email address contains invalid characters before the @-sign: SPACE." + More,
            FirstError(Valid("Maintainer-email: \"Quoted\" <x y@example.org>\n")));
    }

    [Fact]
    public void Unknown_classifiers_are_refused_in_sorted_order()
    {
        Assert.Equal("'Framework :: Nonexistent' is not a valid classifier." + More,
            FirstError(Valid("Classifier: Topic :: Made Up\nClassifier: Framework :: Nonexistent\n")));
    }

    [Fact]
    public void Deprecated_classifiers_are_refused_with_their_replacement()
    {
        Assert.Equal("The classifier 'Natural Language :: Ukranian' has been deprecated, use one of ['Natural Language :: Ukrainian'] instead." + More,
            FirstError(Valid("Classifier: Natural Language :: Ukranian\n")));
        Assert.Equal("The classifier 'Topic :: Communications :: Chat :: AOL Instant Messenger' has been deprecated." + More,
            FirstError(Valid("Classifier: Topic :: Communications :: Chat :: AOL Instant Messenger\n")));
    }

    [Fact]
    public void Operators_can_allow_extra_classifiers()
    {
        var m = Valid("Classifier: Programming Language :: Python :: 3.14\nClassifier: Private :: Acme\n");
        var options = new MetadataValidationOptions
        {
            Classifiers = TroveClassifiers.Default.WithAdditional(["Programming Language :: Python :: 3.14", "Private :: Acme"]),
        };

        Assert.NotNull(FirstError(m));
        Assert.Null(FirstError(m, options));
    }

    [Theory]
    [InlineData("Home-page", "javascript:alert(1)", "'javascript:alert(1)' is not a valid url.")]
    [InlineData("Home-page", "https://exa mple.org", "'https://exa mple.org' is not a valid url.")]
    [InlineData("Download-URL", "ftp://example.org/pkg.tar.gz", "'ftp://example.org/pkg.tar.gz' is not a valid url.")]
    [InlineData("Download-URL", "https://example.org/%zz", "'https://example.org/%zz' is not a valid url.")]
    public void Invalid_urls_are_refused(string header, string url, string message)
    {
        Assert.Equal(message + More, FirstError(Valid($"{header}: {url}\n")));
    }

    [Theory]
    [InlineData(", https://example.org", "Must have a label.")]
    [InlineData("A label that is far too long to be shown, https://example.org", "'A label that is far too long to be shown' must be 32 characters or less.")]
    [InlineData("Docs", "Must have a URL.")]
    [InlineData("Docs, file:///etc/passwd", "'file:///etc/passwd' is not a valid url.")]
    public void Invalid_project_urls_are_refused(string entry, string message)
    {
        Assert.Equal(message + More, FirstError(Valid($"Project-URL: {entry}\n")));
    }

    [Theory]
    [InlineData("pkg @ https://example.org/pkg.whl", "Can't have direct dependency: pkg@ https://example.org/pkg.whl.")]
    [InlineData("pkg[b,a] @ git+https://example.org/r.git ; os_name=='nt'", "Can't have direct dependency: pkg[a,b]@ git+https://example.org/r.git ; os_name == \"nt\".")]
    public void Direct_url_dependencies_are_refused(string requirement, string message)
    {
        Assert.Equal(message + More, FirstError(Valid($"Requires-Dist: {requirement}\n")));
    }

    [Theory]
    [InlineData("requests >=")]
    [InlineData("requests (>=2.0")]
    [InlineData("requests; python_version >")]
    [InlineData("requests; nonsense == '1'")]
    [InlineData("-requests")]
    [InlineData("requests[extra")]
    public void Invalid_requirements_are_refused(string requirement)
    {
        Assert.Equal($"{PyRepr.Str(requirement)} is invalid for 'requires-dist'." + More, FirstError(Valid($"Requires-Dist: {requirement}\n")));
    }

    [Fact]
    public void Direct_urls_in_provides_dist_are_refused()
    {
        Assert.Equal("Can't have direct dependency: 'x @ https://example.org/x.whl'." + More,
            FirstError(Valid("Provides-Dist: x @ https://example.org/x.whl\n")));
    }

    [Fact]
    public void Invalid_obsoletes_dist_entries_are_refused_with_the_parse_error()
    {
        Assert.Equal("'old (' is invalid: Expected closing right parenthesis at position 5." + More,
            FirstError(Valid("Obsoletes-Dist: old (\n")));
    }

    [Theory]
    [InlineData("Name", "'name' is not allowed as a dynamic field.")]
    [InlineData("Version", "'version' is not allowed as a dynamic field.")]
    [InlineData("Metadata-Version", "'metadata-version' is not allowed as a dynamic field.")]
    [InlineData("Colour", "'colour' is not a valid dynamic field.")]
    public void Disallowed_dynamic_fields_are_refused(string field, string message)
    {
        Assert.Equal(message + More, FirstError(Valid($"Dynamic: {field}\n")));
    }

    [Fact]
    public void License_and_license_expression_together_are_refused()
    {
        Assert.Equal("License is deprecated when License-Expression is present. Only License-Expression should be present." + More,
            FirstError(Valid("License: MIT\nLicense-Expression: MIT\n")));
    }

    [Theory]
    [InlineData("MIT AND")]
    [InlineData("(MIT")]
    [InlineData("MIT WITH")]
    [InlineData("MIT/Apache")]
    public void Malformed_license_expressions_are_refused(string expression)
    {
        Assert.Equal($"{PyRepr.Str(expression)} is invalid for 'license-expression'." + More, FirstError(Valid($"License-Expression: {expression}\n")));
    }

    [Theory]
    [InlineData("../LICENSE", "parent directory indicators are not allowed")]
    [InlineData("LICENSE*", "paths must be resolved")]
    [InlineData("/LICENSE", "paths must be relative")]
    [InlineData("licenses\\LICENSE", "paths must use '/' delimiter")]
    public void Invalid_license_file_paths_are_refused(string path, string problem)
    {
        Assert.Equal($"{PyRepr.Str(path)} is invalid for 'license-file', {problem}." + More, FirstError(Valid($"License-File: {path}\n")));
    }

    [Theory]
    [InlineData(">=3.x", "'>=3.x' is invalid for 'requires-python'.")]
    [InlineData("python3", "'python3' is invalid for 'requires-python'.")]
    public void Invalid_requires_python_is_refused(string value, string message)
    {
        Assert.Equal(message + More, FirstError(Valid($"Requires-Python: {value}\n")));
    }

    [Fact]
    public void Invalid_extras_are_refused()
    {
        Assert.Equal("'dev tools' is invalid for 'provides-extra'." + More, FirstError(Valid("Provides-Extra: dev tools\n")));
    }

    [Theory]
    [InlineData("text/html", "'description-content-type' must be one of ['text/plain', 'text/x-rst', 'text/markdown'], not 'text/html'.")]
    [InlineData("text/markdown; charset=latin-1", "'description-content-type' can only specify the UTF-8 charset, not 'latin-1'.")]
    [InlineData("text/markdown; variant=Original", "valid Markdown variants for 'description-content-type' are ['GFM', 'CommonMark'], not 'Original'.")]
    public void Invalid_description_content_types_are_refused(string value, string message)
    {
        Assert.Equal(message + More, FirstError(Valid($"Description-Content-Type: {value}\n")));
    }

    [Fact]
    public void Errors_on_other_fields_are_reported_alphabetically_by_field()
    {
        var m = Valid("Summary: one\n two\nHome-page: ftp://x\nClassifier: Nope\n");

        Assert.Equal("'Nope' is not a valid classifier." + More, FirstError(m));
        Assert.Equal(["classifier", "home-page", "summary"], MetadataValidator.ValidateAll(m).Select(e => e.Field).Order());
    }

    [Fact]
    public void Unknown_fields_are_tolerated_unless_the_operator_refuses_them()
    {
        var m = Valid("X-Build-Host: ci-7\n");

        Assert.Null(FirstError(m));
        Assert.Equal("unrecognized field: 'x-build-host'." + More, FirstError(m, new MetadataValidationOptions { RejectUnknownFields = true }));
    }
}
