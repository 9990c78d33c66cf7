using System.Text;
using Bulwark.Core.Packaging.Metadata;

namespace Bulwark.Core.Tests.Packaging;

public class CoreMetadataParserTests
{
    private const string SetuptoolsWheelMetadata =
        "Metadata-Version: 2.1\n" +
        "Name: sample-project\n" +
        "Version: 2.3.0\n" +
        "Summary: A sample Python project\n" +
        "Home-page: https://example.org/sample\n" +
        "Author: A. Random Developer\n" +
        "Author-email: author@example.com\n" +
        "License: MIT\n" +
        "Project-URL: Bug Reports, https://example.org/sample/issues\n" +
        "Project-URL: Source, https://example.org/sample/src\n" +
        "Keywords: sample, setuptools, development\n" +
        "Classifier: Development Status :: 3 - Alpha\n" +
        "Classifier: Programming Language :: Python :: 3\n" +
        "Requires-Python: >=3.7, <4\n" +
        "Description-Content-Type: text/markdown\n" +
        "License-File: LICENSE.txt\n" +
        "Requires-Dist: peppercorn\n" +
        "Provides-Extra: dev\n" +
        "Requires-Dist: check-manifest ; extra == 'dev'\n" +
        "Provides-Extra: test\n" +
        "Requires-Dist: coverage ; extra == 'test'\n" +
        "\n" +
        "# A sample Python project\n\nA longer description.\n";

    [Fact]
    public void Parses_a_setuptools_wheel_metadata_file_with_the_description_in_the_body()
    {
        var m = CoreMetadata.Parse(Encoding.UTF8.GetBytes(SetuptoolsWheelMetadata));

        Assert.Equal("2.1", m.MetadataVersion);
        Assert.Equal("sample-project", m.Name);
        Assert.Equal("2.3.0", m.Version);
        Assert.Equal("A sample Python project", m.Summary);
        Assert.Equal("https://example.org/sample", m.HomePage);
        Assert.Equal("author@example.com", m.AuthorEmail);
        Assert.Equal("MIT", m.License);
        Assert.Equal(">=3.7, <4", m.RequiresPython);
        Assert.Equal("text/markdown", m.DescriptionContentType);
        Assert.Equal(["sample", "setuptools", "development"], m.KeywordList);
        Assert.Equal(["Development Status :: 3 - Alpha", "Programming Language :: Python :: 3"], m.Classifiers);
        Assert.Equal(["peppercorn", "check-manifest ; extra == 'dev'", "coverage ; extra == 'test'"], m.RequiresDist);
        Assert.Equal(["dev", "test"], m.ProvidesExtra);
        Assert.Equal(["LICENSE.txt"], m.LicenseFiles);
        Assert.Equal(["Bug Reports, https://example.org/sample/issues", "Source, https://example.org/sample/src"], m.ProjectUrls);
        Assert.Equal([new ProjectUrl("Bug Reports", "https://example.org/sample/issues"), new ProjectUrl("Source", "https://example.org/sample/src")], m.ProjectUrlEntries);
        Assert.Equal("# A sample Python project\n\nA longer description.\n", m.Description);
        Assert.Empty(m.Problems);
    }

    [Fact]
    public void Parses_an_old_pkg_info_with_an_indented_description_header_and_unknown_placeholders()
    {
        const string pkgInfo =
            "Metadata-Version: 1.1\r\n" +
            "Name: oldpkg\r\n" +
            "Version: 0.9\r\n" +
            "Summary: UNKNOWN\r\n" +
            "Home-page: UNKNOWN\r\n" +
            "Author: Someone\r\n" +
            "License: UNKNOWN\r\n" +
            "Description: First line\r\n" +
            "        \r\n" +
            "          indented code\r\n" +
            "        last line\r\n" +
            "Platform: UNKNOWN\r\n" +
            "Classifier: Programming Language :: Python :: 2\r\n";

        var m = CoreMetadata.Parse(Encoding.UTF8.GetBytes(pkgInfo));

        Assert.Equal("1.1", m.MetadataVersion);
        Assert.Null(m.Summary);
        Assert.Null(m.HomePage);
        Assert.Null(m.License);
        Assert.Empty(m.Platforms);
        Assert.Equal("First line\n\n  indented code\nlast line", m.Description);
        Assert.Equal(["Programming Language :: Python :: 2"], m.Classifiers);
    }

    [Fact]
    public void Decodes_the_pipe_continuation_convention_of_the_description_header()
    {
        const string text = "Metadata-Version: 1.2\nName: p\nVersion: 1\nDescription: Title\n       |\n       |    code\n       |end\n";

        var m = CoreMetadata.Parse(Encoding.UTF8.GetBytes(text));

        Assert.Equal("Title\n\n    code\nend", m.Description);
    }

    [Fact]
    public void Keeps_folding_in_single_line_fields_so_that_a_multi_line_summary_can_be_refused()
    {
        var m = CoreMetadata.Parse("Metadata-Version: 2.1\nName: p\nVersion: 1\nSummary: one\n two\n"u8);

        Assert.Equal("one\n two", m.Summary);
    }

    [Fact]
    public void Header_names_are_case_insensitive()
    {
        var m = CoreMetadata.Parse("metadata-version: 2.3\nNAME: p\nversion: 1.0\nrequires-dist: a\nREQUIRES-DIST: b\n"u8);

        Assert.Equal("2.3", m.MetadataVersion);
        Assert.Equal("p", m.Name);
        Assert.Equal(["a", "b"], m.RequiresDist);
    }

    [Fact]
    public void A_duplicated_single_use_field_is_left_unset_and_reported()
    {
        var m = CoreMetadata.Parse("Metadata-Version: 2.1\nName: good\nName: evil\nVersion: 1\n"u8);

        Assert.Equal("", m.Name);
        var problem = Assert.Single(m.Problems);
        Assert.Equal(new MetadataProblem("name", MetadataProblemKind.DuplicateField, "'name' has invalid data"), problem);
    }

    [Fact]
    public void Unknown_fields_are_reported_once_and_do_not_stop_parsing()
    {
        var m = CoreMetadata.Parse("Metadata-Version: 2.1\nName: p\nX-Custom: 1\nx-custom: 2\nVersion: 1\n"u8);

        Assert.Equal("1", m.Version);
        Assert.Equal(["x-custom"], m.UnknownFields);
        Assert.Equal("unrecognized field: 'x-custom'", Assert.Single(m.Problems).Message);
    }

    [Fact]
    public void A_description_in_both_header_and_body_is_reported()
    {
        var m = CoreMetadata.Parse("Metadata-Version: 2.1\nName: p\nVersion: 1\nDescription: header\n\nbody\n"u8);

        Assert.Equal("body\n", m.Description);
        Assert.Equal("'description' has invalid data", Assert.Single(m.Problems).Message);
    }

    [Fact]
    public void Duplicate_project_url_labels_are_reported()
    {
        var m = CoreMetadata.Parse("Metadata-Version: 2.1\nName: p\nVersion: 1\nProject-URL: Home, https://a.example\nProject-URL: Home, https://b.example\n"u8);

        Assert.Equal(2, m.ProjectUrls.Count);
        Assert.Equal("'project-url' has invalid data", Assert.Single(m.Problems).Message);
    }

    [Fact]
    public void A_project_url_without_a_comma_has_an_empty_url()
    {
        var m = CoreMetadata.Parse("Metadata-Version: 2.1\nName: p\nVersion: 1\nProject-URL: Homepage\n"u8);

        Assert.Equal(new ProjectUrl("Homepage", ""), Assert.Single(m.ProjectUrlEntries));
    }

    [Fact]
    public void Non_ascii_utf8_values_are_decoded()
    {
        var m = CoreMetadata.Parse(Encoding.UTF8.GetBytes("Metadata-Version: 2.1\nName: p\nVersion: 1\nAuthor: Zoë Łukasiewicz 🐍\n"));

        Assert.Equal("Zoë Łukasiewicz 🐍", m.Author);
    }

    [Fact]
    public void Invalid_utf8_is_refused_with_the_offset()
    {
        byte[] bytes = [.. "Metadata-Version: 2.1\nName: p\nAuthor: "u8, 0xC3, 0x28, (byte)'\n'];

        Assert.False(CoreMetadata.TryParse(bytes, out _, out var error));
        Assert.Equal("Metadata is not valid UTF-8 (invalid byte sequence at offset 38).", error);
    }

    [Fact]
    public void Nul_characters_are_refused()
    {
        Assert.False(CoreMetadata.TryParse("Metadata-Version: 2.1\nName: p\0x\n"u8, out _, out var error));
        Assert.Equal("Metadata contains a NUL character.", error);
    }

    [Fact]
    public void A_header_line_without_a_colon_is_refused()
    {
        Assert.False(CoreMetadata.TryParse("Metadata-Version: 2.1\nName p\nVersion: 1\n"u8, out _, out var error));
        Assert.Equal("Metadata line 2 is not a valid header: 'Name p'.", error);
    }

    [Fact]
    public void A_continuation_line_before_any_header_is_refused()
    {
        Assert.False(CoreMetadata.TryParse(" Name: p\n"u8, out _, out var error));
        Assert.Equal("Metadata line 1 is a continuation line with no header before it.", error);
    }

    [Fact]
    public void Parse_throws_format_exception_on_malformed_input()
    {
        var ex = Assert.Throws<FormatException>(() => CoreMetadata.Parse(":\n"u8));
        Assert.StartsWith("Metadata line 1 is not a valid header", ex.Message);
    }

    [Fact]
    public void Multi_use_fields_keep_their_order_and_platforms_are_lists()
    {
        var m = CoreMetadata.Parse("Metadata-Version: 2.2\nName: p\nVersion: 1\nPlatform: linux\nPlatform: win32\nDynamic: Classifier\nSupported-Platform: x\nRequires-External: libxml2 (>=2.6)\nProvides-Dist: p\nObsoletes-Dist: old\n"u8);

        Assert.Equal(["linux", "win32"], m.Platforms);
        Assert.Equal(["Classifier"], m.Dynamic);
        Assert.Equal(["x"], m.SupportedPlatforms);
        Assert.Equal(["libxml2 (>=2.6)"], m.RequiresExternal);
        Assert.Equal(["p"], m.ProvidesDist);
        Assert.Equal(["old"], m.ObsoletesDist);
    }
}
