using Bulwark.Core.Packaging.Metadata;

namespace Bulwark.Core.Tests.Packaging;

public class CoreMetadataFormTests
{
    private static Dictionary<string, IReadOnlyList<string>> Form(params (string Key, string Value)[] fields) =>
        fields.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(f => f.Value).ToList());

    [Fact]
    public void Builds_metadata_from_twine_form_fields()
    {
        var m = CoreMetadata.FromForm(Form(
            (":action", "file_upload"), ("protocol_version", "1"), ("filetype", "bdist_wheel"), ("pyversion", "py3"),
            ("metadata_version", "2.1"), ("name", "Sample"), ("version", "1.0"), ("summary", "S"),
            ("home_page", ""), ("author", ""), ("author_email", "a@example.com"), ("license", "UNKNOWN"),
            ("classifiers", "Programming Language :: Python :: 3"), ("classifiers", "Typing :: Typed"),
            ("requires_dist", "requests>=2"), ("project_urls", "Source, https://example.org/src"),
            ("provides_extras", "cli"), ("requires_python", ">=3.8"), ("description_content_type", "text/markdown"),
            ("sha256_digest", new string('a', 64)), ("license_file", "LICENSE")));

        Assert.Equal("2.1", m.MetadataVersion);
        Assert.Equal("Sample", m.Name);
        Assert.Equal("1.0", m.Version);
        Assert.Null(m.HomePage);
        Assert.Null(m.Author);
        Assert.Null(m.License);
        Assert.Equal("a@example.com", m.AuthorEmail);
        Assert.Equal(["Programming Language :: Python :: 3", "Typing :: Typed"], m.Classifiers);
        Assert.Equal(["requests>=2"], m.RequiresDist);
        Assert.Equal([new ProjectUrl("Source", "https://example.org/src")], m.ProjectUrlEntries);
        Assert.Equal(["cli"], m.ProvidesExtra);
        Assert.Equal(["LICENSE"], m.LicenseFiles);
        Assert.Empty(m.Problems);
    }

    [Fact]
    public void A_repeated_single_use_form_field_is_reported_and_left_unset()
    {
        var m = CoreMetadata.FromForm(Form(("name", "a"), ("name", "b"), ("version", "1")));

        Assert.Equal("", m.Name);
        Assert.Equal(MetadataProblemKind.DuplicateField, Assert.Single(m.Problems).Kind);
    }

    [Fact]
    public void Form_descriptions_are_unfolded_like_headers()
    {
        var m = CoreMetadata.FromForm(Form(("description", "line 1\n        line 2"), ("platform", "any"), ("supported_platform", "x")));

        // twine forwards a header-folded description as it read it, so form values are unfolded the same way.
        Assert.Equal("line 1\nline 2", m.Description);
        Assert.Equal(["any"], m.Platforms);
        Assert.Equal(["x"], m.SupportedPlatforms);
    }
}
