using Bulwark.Core.Outcomes;
using Bulwark.Core.Uploads;

namespace Bulwark.Core.Tests.Uploads;

/// <summary>Warehouse's form checks (its steps 0-2): the kind, the field at fault and the wording of each refusal.</summary>
public sealed class FormChecksTests
{
    private static Refusal Refused(params (string Key, string? Value)[] changes)
    {
        var refusal = FormChecks.Check(UploadForms.Wheel(changes));
        Assert.NotNull(refusal);
        return refusal;
    }

    [Fact]
    public void A_complete_wheel_form_passes() => Assert.Null(FormChecks.Check(UploadForms.Wheel()));

    [Fact]
    public void An_sdist_with_source_pyversion_passes() =>
        Assert.Null(FormChecks.Check(UploadForms.Wheel(("filetype", "sdist"), ("pyversion", "source"))));

    [Fact]
    public void A_retired_action_is_gone_not_invalid()
    {
        var refusal = Refused((":action", "submit"));
        Assert.Equal(RefusalKind.Gone, refusal.Kind);
        Assert.Equal("The 'submit' action is no longer supported.", refusal.Message);
    }

    [Fact]
    public void An_unknown_protocol_version_is_invalid()
    {
        var refusal = Refused(("protocol_version", "2"));
        Assert.Equal(new Refusal(RefusalKind.Invalid, "Unknown protocol version.", "protocol_version"), refusal);
    }

    [Fact]
    public void A_single_field_sent_twice_is_named()
    {
        var fields = UploadForms.Wheel();
        fields.Add("version", "2.0");
        var refusal = FormChecks.Check(fields);
        Assert.NotNull(refusal);
        Assert.Equal("version: Should not be a tuple.", refusal.Message);
        Assert.Equal("version", refusal.Field);
    }

    [Fact]
    public void A_repeatable_field_sent_twice_passes()
    {
        var fields = UploadForms.Wheel();
        fields.Add("classifiers", "Programming Language :: Python");
        fields.Add("classifiers", "Typing :: Typed");
        Assert.Null(FormChecks.Check(fields));
    }

    [Theory]
    [InlineData("name", "Invalid value for name. Error: This field is required.")]
    [InlineData("version", "Invalid value for version. Error: This field is required.")]
    [InlineData("filetype", "Invalid value for filetype. Error: This field is required.")]
    public void A_missing_required_field_is_named_with_Warehouse_wording(string field, string message)
    {
        var refusal = Refused((field, null));
        Assert.Equal(RefusalKind.Invalid, refusal.Kind);
        Assert.Equal(message, refusal.Message);
        Assert.Equal(field, refusal.Field);
    }

    [Fact]
    public void The_name_is_checked_before_the_version()
    {
        var refusal = Refused(("name", "-bad-"), ("version", "not a version"));
        Assert.StartsWith("'-bad-' is an invalid value for Name. Error:", refusal.Message);
        Assert.EndsWith(FormChecks.MetadataHelp, refusal.Message);
        Assert.Equal("name", refusal.Field);
    }

    [Fact]
    public void A_version_with_surrounding_whitespace_is_refused() =>
        Assert.Contains("Cannot have leading or trailing whitespace.", Refused(("version", " 1.0")).Message);

    [Fact]
    public void A_version_that_is_not_PEP_440_is_refused() =>
        Assert.StartsWith("'one' is an invalid value for Version.", Refused(("version", "one")).Message);

    [Fact]
    public void An_unknown_filetype_is_refused() =>
        Assert.Equal("'bdist_egg' is an invalid value for filetype. Error: Unknown type of file. " + FormChecks.MetadataHelp,
            Refused(("filetype", "bdist_egg")).Message);

    [Fact]
    public void A_wheel_needs_a_pyversion()
    {
        var refusal = Refused(("pyversion", null));
        Assert.Equal("Python version is required for binary distribution uploads.", refusal.Message);
        Assert.Equal("pyversion", refusal.Field);
    }

    [Fact]
    public void An_sdist_pyversion_can_only_be_source() =>
        Assert.Equal("The only valid Python version for a sdist is 'source'.", Refused(("filetype", "sdist"), ("pyversion", "py3")).Message);

    [Fact]
    public void At_least_one_digest_is_required() =>
        Assert.Equal("Include at least one message digest.", Refused(("sha256_digest", null)).Message);

    [Theory]
    [InlineData("sha256_digest", "SHA256")]
    [InlineData("blake2_256_digest", "blake2")]
    [InlineData("md5_digest", "MD5")]
    public void A_malformed_digest_is_named(string field, string algorithm)
    {
        var refusal = Refused((field, "xyz"));
        Assert.Contains($"is an invalid value for {field}. Error: Must be a valid, hex encoded, {algorithm} message digest.", refusal.Message);
        Assert.Equal(field, refusal.Field);
    }

    [Fact]
    public void Well_formed_digests_of_every_kind_pass() =>
        Assert.Null(FormChecks.Check(UploadForms.Wheel(("md5_digest", new string('0', 32)), ("blake2_256_digest", new string('F', 64)))));
}
