using System.Text;
using Bulwark.Core.Packaging;
using Bulwark.Core.Packaging.Metadata;

namespace Bulwark.Core.Tests.Packaging;

/// <summary>
/// Every parser of uploaded text is bounded: nesting that would overflow the stack (which .NET cannot catch:
/// the process dies), values long enough to cost real time, and floods of values are refused with an error
/// that names the field, and the refusal quotes only a short prefix of what was sent.
/// </summary>
public class ParserBoundsTests
{
    private const int Bomb = 200_000;

    private static string Nested(int depth, string inner) => new string('(', depth) + inner + new string(')', depth);

    private static CoreMetadata FromFile(string extra) =>
        CoreMetadata.Parse(Encoding.UTF8.GetBytes($"Metadata-Version: 2.4\nName: sample\nVersion: 1.0\n{extra}"));

    private static CoreMetadata FromForm(params (string Key, string Value)[] extra)
    {
        var form = new Dictionary<string, IReadOnlyList<string>>
        {
            ["metadata_version"] = ["2.4"], ["name"] = ["sample"], ["version"] = ["1.0"],
        };
        foreach (var group in extra.GroupBy(e => e.Key)) form[group.Key] = group.Select(e => e.Value).ToList();
        return CoreMetadata.FromForm(form);
    }

    private static string Error(CoreMetadata m)
    {
        var error = MetadataValidator.Validate(m);
        Assert.NotNull(error);
        // Short whatever was sent: the quoted value is cut, never echoed whole.
        Assert.True(error.Message.Length < 400, $"the message is {error.Message.Length} characters long");
        return error.Message;
    }

    [Fact]
    public void A_marker_nested_200000_deep_is_refused_not_a_stack_overflow()
    {
        var text = "a; " + Nested(Bomb, "python_version >= '3'");

        Assert.False(Pep508Requirement.TryParse(text, out _, out var error));
        Assert.Contains("nested too deeply", error);
    }

    [Fact]
    public void Markers_may_nest_64_deep_but_not_65()
    {
        Assert.True(Pep508Requirement.TryParse("a; " + Nested(64, "os_name == 'nt'"), out var ok, out _));
        Assert.Equal(Nested(64, "os_name == \"nt\""), ok.Marker);
        Assert.False(Pep508Requirement.TryParse("a; " + Nested(65, "os_name == 'nt'"), out _, out var error));
        Assert.Contains("nested too deeply", error);
    }

    [Fact]
    public void A_marker_of_many_clauses_is_read_in_one_pass()
    {
        // Built by string concatenation, this marker cost time quadratic in its clauses.
        const int Clauses = 20_000;
        var marker = string.Join(" and ", Enumerable.Repeat("os_name == 'nt'", Clauses));

        Assert.True(Pep508Requirement.TryParse("a; " + marker, out var requirement, out _));
        Assert.Equal(string.Join(" and ", Enumerable.Repeat("os_name == \"nt\"", Clauses)), requirement.Marker);
    }

    [Fact]
    public void A_license_expression_nested_200000_deep_is_invalid_not_a_stack_overflow()
    {
        Assert.False(LicenseExpression.IsValid(Nested(Bomb, "MIT")));
        Assert.True(LicenseExpression.IsValid(Nested(64, "MIT OR Apache-2.0")));
        Assert.False(LicenseExpression.IsValid(Nested(65, "MIT OR Apache-2.0")));
    }

    [Fact]
    public void Nested_requires_dist_in_metadata_is_refused_naming_the_field()
    {
        var message = Error(FromFile($"Requires-Dist: a; {Nested(Bomb, "os_name == 'nt'")}\n"));

        Assert.StartsWith("'a; ((((", message);
        Assert.Contains("is invalid for 'requires-dist': nested too deeply (more than 64 levels of parentheses)", message);
    }

    [Fact]
    public void Nested_requires_dist_in_the_form_is_refused_naming_the_field()
    {
        var message = Error(FromForm(("requires_dist", "a" + new string('(', Bomb))));

        Assert.Contains("is invalid for 'requires-dist': nested too deeply", message);
    }

    [Theory]
    [InlineData("license_expression", "license-expression")]
    [InlineData("provides_dist", "provides-dist")]
    [InlineData("obsoletes_dist", "obsoletes-dist")]
    public void Nesting_is_bounded_in_every_field_that_nests(string formField, string key)
    {
        var message = Error(FromForm((formField, Nested(100, "MIT"))));

        Assert.Contains($"is invalid for '{key}': nested too deeply", message);
    }

    [Fact]
    public void Parentheses_inside_quoted_marker_strings_do_not_count_as_nesting()
    {
        var quoted = "a; platform_version == '" + new string('(', 100) + "'";

        Assert.Equal(0, MetadataLimits.NestingDepth(quoted));
        Assert.Null(MetadataValidator.Validate(FromForm(("requires_dist", quoted))));
    }

    [Theory]
    [InlineData("requires_dist", "requires-dist")]
    [InlineData("requires_python", "requires-python")]
    [InlineData("license_expression", "license-expression")]
    [InlineData("classifiers", "classifier")]
    [InlineData("project_urls", "project-url")]
    [InlineData("home_page", "home-page")]
    [InlineData("author_email", "author-email")]
    [InlineData("keywords", "keywords")]
    [InlineData("summary", "summary")]
    [InlineData("metadata_version", "metadata-version")]
    public void A_megabyte_value_is_refused_as_too_long_naming_the_field(string formField, string key)
    {
        var message = Error(FromForm((formField, new string('x', 1024 * 1024))));

        Assert.Contains($"is invalid for '{key}': too long (1048576 characters; at most 8192)", message);
    }

    [Fact]
    public void A_license_text_may_be_long_but_not_unbounded()
    {
        Assert.Null(MetadataValidator.Validate(FromForm(("license", new string('x', 100_000)))));
        Assert.Contains("is invalid for 'license': too long", Error(FromForm(("license", new string('x', 2 * 1024 * 1024)))));
    }

    [Fact]
    public void A_flood_of_values_is_refused_once_naming_the_field()
    {
        var classifiers = Enumerable.Repeat(("classifiers", "Nope :: Nope"), MetadataLimits.MaxValuesPerField + 1).ToArray();
        var m = FromForm(classifiers);

        Assert.Contains("'classifier' has too many values (more than 5000)", Error(m));
        Assert.Single(MetadataValidator.ValidateAll(m));
    }

    [Fact]
    public void Metadata_with_too_many_headers_is_refused_by_the_parser()
    {
        var headers = string.Concat(Enumerable.Range(0, MetadataLimits.MaxHeaders).Select(i => $"X-{i}: v\n"));

        Assert.False(CoreMetadata.TryParse(Encoding.UTF8.GetBytes("Metadata-Version: 2.4\n" + headers), out _, out var error));
        Assert.Equal("Metadata has more than 20000 headers.", error);
    }

    [Fact]
    public void Quoted_values_are_cut_to_100_characters()
    {
        var value = new string('v', 10_000);

        Assert.Equal("'" + new string('v', 100) + "'...", PyRepr.Str(value));
        Assert.Equal("'" + new string('v', 100) + "'...", PythonText.Repr(value));
        Assert.Equal("'" + new string('v', 100) + "'", PyRepr.Str(new string('v', 100)));
        // A surrogate pair is never split.
        var emoji = new string('v', 99) + "\U0001F600" + "tail";
        Assert.Equal("'" + new string('v', 99) + "'...", PythonText.Repr(emoji));
    }

    [Fact]
    public void An_address_of_many_bad_characters_lists_only_the_first_ten()
    {
        // Twelve distinct characters that are not allowed before the @-sign.
        var problem = EmailAddressValidator.Problem("a b<>()[];:\"\\,@example.org");

        Assert.NotNull(problem);
        Assert.StartsWith("The email address contains invalid characters before the @-sign: ", problem);
        Assert.EndsWith(", ....", problem);
        Assert.Equal(11, problem.Split(", ").Length);
    }

    [Fact]
    public void A_direct_reference_is_quoted_short()
    {
        var message = Error(FromForm(("requires_dist", "a @ https://example.org/" + new string('p', 5000))));

        Assert.StartsWith("Can't have direct dependency: a@ https://example.org/ppp", message);
    }
}
