using Bulwark.Core.Packaging.Metadata;

namespace Bulwark.Core.Tests.Packaging;

public class Pep508RequirementTests
{
    [Theory]
    [InlineData("requests", "requests")]
    [InlineData("requests>=2.0,<3", "requests<3,>=2.0")]
    [InlineData("requests (>=2.0)", "requests>=2.0")]
    [InlineData("requests [socks, security] >= 2", "requests[security,socks]>=2")]
    [InlineData("pywin32; sys_platform == 'win32'", "pywin32; sys_platform == \"win32\"")]
    [InlineData("a; (python_version < \"3.8\" or os_name == 'nt') and extra == \"x\"", "a; (python_version < \"3.8\" or os_name == \"nt\") and extra == \"x\"")]
    [InlineData("b; 'linux' in sys_platform", "b; \"linux\" in sys_platform")]
    [InlineData("c; platform_machine not in 'x86_64 aarch64'", "c; platform_machine not in \"x86_64 aarch64\"")]
    [InlineData("d @ https://example.org/d.whl ; extra == 'e'", "d@ https://example.org/d.whl ; extra == \"e\"")]
    [InlineData("e[]", "e")]
    [InlineData("f @ https://x.org/f;v=1", "f@ https://x.org/f;v=1")]
    public void Valid_requirements_parse_and_render_canonically(string text, string canonical)
    {
        Assert.True(Pep508Requirement.TryParse(text, out var requirement, out var error), error);
        Assert.Equal(canonical, requirement.ToString());
    }

    [Fact]
    public void The_parts_are_exposed()
    {
        Assert.True(Pep508Requirement.TryParse("Foo.Bar[x] @ https://e.org/f.zip ; os_name == 'posix'", out var r, out _));

        Assert.Equal("Foo.Bar", r.Name);
        Assert.Equal(["x"], r.Extras);
        Assert.Equal("https://e.org/f.zip", r.Url);
        Assert.Null(r.Specifier);
        Assert.Equal("os_name == \"posix\"", r.Marker);
    }

    [Theory]
    [InlineData("", "Expected package name at the start of dependency specifier at position 0")]
    [InlineData("foo-", "Expected end or semicolon (after name and no valid version specifier) at position 3")]
    [InlineData("foo[a,]", "Expected extra name at position 6")]
    [InlineData("foo bar", "Expected end or semicolon (after name and no valid version specifier) at position 4")]
    [InlineData("foo @ https://x bar", "Expected end or semicolon (after URL and whitespace) at position 16")]
    [InlineData("foo; os_name = 'nt'", "Expected marker operator at position 13")]
    [InlineData("foo; os_name == 'nt", "Expected closing quote in marker at position 16")]
    [InlineData("foo; os_name == 'nt' and", "Expected a marker variable or quoted string at position 24")]
    public void Invalid_requirements_say_what_was_expected(string text, string message)
    {
        Assert.False(Pep508Requirement.TryParse(text, out _, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void Invalid_version_specifiers_are_reported()
    {
        Assert.False(Pep508Requirement.TryParse("foo>=1.x", out _, out var error));
        Assert.Contains("1.x", error);
    }
}

public class UrlValidatorTests
{
    [Theory]
    [InlineData("https://example.org")]
    [InlineData("HTTP://EXAMPLE.ORG/path/to?q=1&r=%20#frag")]
    [InlineData("https://user:pw@example.org:8443/x")]
    [InlineData("https://[2001:db8::1]/")]
    [InlineData("http:relative/path")]
    public void Http_and_https_uris_are_valid(string url) => Assert.True(UrlValidator.IsValid(url));

    [Theory]
    [InlineData("")]
    [InlineData("example.org")]
    [InlineData("mailto:a@example.org")]
    [InlineData("https://exa mple.org")]
    [InlineData("https://example.org/ü")]
    [InlineData("https://example.org:80a/")]
    [InlineData("https://")]
    [InlineData("https://example.org/%4")]
    [InlineData("https://exa<mple.org")]
    public void Other_text_is_not(string url) => Assert.False(UrlValidator.IsValid(url));
}

public class EmailAddressValidatorTests
{
    [Fact]
    public void Address_lists_yield_bare_addresses()
    {
        Assert.Equal(
            ["a@example.org", "b@example.org", "c@example.org"],
            EmailAddressValidator.ExtractAddresses("\"Doe, Jane\" <a@example.org>, b@example.org (Bob), Carol <c@example.org>"));
    }

    [Theory]
    [InlineData("(((((((((( a@example.org", "(((((((((( a@example.org")]
    [InlineData("a@example.org, \"unclosed <b@example.org>", "a@example.org|\"unclosed <b@example.org>")]
    [InlineData("a@example.org, Jane <b@example.org", "a@example.org|Jane <b@example.org")]
    public void An_entry_left_open_is_returned_whole_to_be_refused(string field, string expected)
    {
        var addresses = EmailAddressValidator.ExtractAddresses(field);
        Assert.Equal(expected.Split('|'), addresses);
        Assert.NotNull(EmailAddressValidator.Problem(addresses[^1]));
    }

    [Theory]
    [InlineData("Jane <>")]
    [InlineData("(just a comment)")]
    [InlineData("a@example.org, <>")]
    public void An_entry_without_an_address_is_an_empty_address(string field)
    {
        Assert.Equal("", EmailAddressValidator.ExtractAddresses(field)[^1]);
        Assert.Equal("An email address must have an @-sign.", EmailAddressValidator.Problem(""));
    }

    [Fact]
    public void Valid_addresses_have_no_problem()
    {
        Assert.Null(EmailAddressValidator.Problem("first.last+tag@sub.example.co.uk"));
        Assert.Null(EmailAddressValidator.Problem("zoë@例え.jp"));
    }

    [Theory]
    [InlineData("@example.org", "There must be something before the @-sign.")]
    [InlineData("a@", "There must be something after the @-sign.")]
    [InlineData(".a@example.org", "An email address cannot start with a period.")]
    [InlineData("a.@example.org", "An email address cannot have a period immediately before the @-sign.")]
    [InlineData("a@example.org.", "An email address cannot end with a period.")]
    [InlineData("a@exa_mple.org", "The part after the @-sign contains invalid characters: '_'.")]
    [InlineData("a@example.123", "The part after the @-sign is not valid. It is not within a valid top-level domain.")]
    public void Invalid_addresses_are_explained(string address, string reason)
    {
        Assert.Equal(reason, EmailAddressValidator.Problem(address));
    }

    [Fact]
    public void Overlong_local_parts_are_measured()
    {
        Assert.Equal("The email address is too long before the @-sign (1 character too many).",
            EmailAddressValidator.Problem(new string('a', 65) + "@example.org"));
    }
}

public class TroveClassifiersTests
{
    [Fact]
    public void The_embedded_list_loads()
    {
        var catalog = TroveClassifiers.Default;

        Assert.Contains("Programming Language :: Python :: 3", catalog.Valid);
        Assert.Contains("License :: OSI Approved :: MIT License", catalog.Valid);
        Assert.True(catalog.Valid.Count > 800);
        Assert.Equal(["Natural Language :: Ukrainian"], catalog.Deprecated["Natural Language :: Ukranian"]);
        Assert.DoesNotContain("Natural Language :: Ukranian", catalog.Valid);
        Assert.True(catalog.IsKnown("Natural Language :: Ukranian"));
        Assert.False(catalog.IsKnown("Private :: Do Not Upload"));
    }

    [Fact]
    public void Additional_classifiers_extend_a_copy()
    {
        var extended = TroveClassifiers.Default.WithAdditional([" Private :: Acme ", "Natural Language :: Ukranian"]);

        Assert.True(extended.Valid.Contains("Private :: Acme"));
        Assert.False(extended.Deprecated.ContainsKey("Natural Language :: Ukranian"));
        Assert.False(TroveClassifiers.Default.IsKnown("Private :: Acme"));
    }
}

public class CompareWithFormTests
{
    private static CoreMetadata File(string name = "My_Package", string version = "1.0", string mv = "2.1") =>
        new() { Name = name, Version = version, MetadataVersion = mv };

    [Fact]
    public void Equivalent_names_and_versions_match()
    {
        var form = new CoreMetadata { Name = "my-package", Version = "1.0.0", MetadataVersion = "2.1" };

        Assert.Empty(MetadataValidator.CompareWithForm(File(), form));
    }

    [Fact]
    public void A_different_name_is_reported_with_both_values()
    {
        var mismatch = Assert.Single(MetadataValidator.CompareWithForm(File(), new CoreMetadata { Name = "other" }));

        Assert.Equal(new FormMismatch("Name", "other", "My_Package",
            "The form field name ('other') does not match Name in the distribution file's metadata ('My_Package')."), mismatch);
    }

    [Fact]
    public void A_different_version_is_reported()
    {
        var mismatch = Assert.Single(MetadataValidator.CompareWithForm(File(), new CoreMetadata { Version = "1.0.post1" }));

        Assert.Equal("The form field version ('1.0.post1') does not match Version in the distribution file's metadata ('1.0').", mismatch.Message);
    }

    [Fact]
    public void A_different_metadata_version_is_reported()
    {
        var mismatch = Assert.Single(MetadataValidator.CompareWithForm(File(), new CoreMetadata { MetadataVersion = "2.3" }));

        Assert.Equal("Metadata-Version", mismatch.Field);
    }

    [Fact]
    public void Unparseable_versions_are_compared_as_text()
    {
        Assert.Empty(MetadataValidator.CompareWithForm(File(version: "weird"), new CoreMetadata { Version = "weird" }));
        Assert.Single(MetadataValidator.CompareWithForm(File(version: "weird"), new CoreMetadata { Version = "Weird" }));
    }

    [Fact]
    public void Fields_missing_from_the_form_are_not_mismatches()
    {
        Assert.Empty(MetadataValidator.CompareWithForm(File(), new CoreMetadata()));
    }
}
