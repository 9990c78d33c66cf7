using Bulwark.Core.Uploads;

namespace Bulwark.Core.Tests.Packaging;

/// <summary>The upload form's own fields: bounded before anything is stored, and refusals quote them short.</summary>
public class UploadFormBoundsTests
{
    private static UploadFields Form(params (string Key, string Value)[] changes)
    {
        var values = new Dictionary<string, string>
        {
            [":action"] = "file_upload", ["protocol_version"] = "1", ["name"] = "sample", ["version"] = "1.0",
            ["filetype"] = "bdist_wheel", ["pyversion"] = "py3", ["sha256_digest"] = new string('a', 64),
        };
        foreach (var (key, value) in changes) values[key] = value;
        var fields = new UploadFields();
        foreach (var (key, value) in values) fields.Add(key, value);
        return fields;
    }

    private static string Refusal(params (string Key, string Value)[] changes)
    {
        var failure = FormChecks.Check(Form(changes));
        Assert.NotNull(failure);
        Assert.Equal(Bulwark.Core.Outcomes.RefusalKind.Invalid, failure.Kind);
        Assert.True(failure.Message.Length < 400, $"the message is {failure.Message.Length} characters long");
        return failure.Message;
    }

    [Fact]
    public void The_base_form_passes() => Assert.Null(FormChecks.Check(Form()));

    [Fact]
    public void A_megabyte_name_is_refused_and_quoted_short()
    {
        var message = Refusal(("name", new string('n', 1024 * 1024) + "!"));
        Assert.StartsWith($"'{new string('n', 100)}...' is an invalid value for Name. Error:", message);
    }

    [Fact]
    public void A_version_longer_than_the_release_table_holds_is_refused()
    {
        var version = string.Join('.', Enumerable.Repeat("1", 60));
        Assert.Contains("is an invalid value for Version. Error: Must be at most 100 characters long.", Refusal(("version", version)));
        Assert.Null(FormChecks.Check(Form(("version", string.Join('.', Enumerable.Repeat("1", 50))))));
    }

    [Theory]
    [InlineData("cp312\ncp311")]
    [InlineData("py3\tpy2")]
    public void Pyversion_is_one_line(string pyversion) =>
        Assert.Contains("is an invalid value for pyversion", Refusal(("pyversion", pyversion)));

    [Fact]
    public void Pyversion_is_short() =>
        Assert.Contains("Must be one line of at most 100 characters.", Refusal(("pyversion", new string('p', 101))));

    [Fact]
    public void A_retired_action_is_quoted_short() =>
        Assert.Equal($"The '{new string('x', 100)}...' action is no longer supported.", FormChecks.Check(Form((":action", new string('x', 5000))))!.Message);

    [Fact]
    public void The_form_counts_its_fields()
    {
        var fields = new UploadFields();
        for (var i = 0; i < UploadFields.MaxFields - 1; i++) fields.Add("classifiers", "x");
        Assert.False(fields.IsFull);
        fields.Add("classifiers", "x");
        Assert.True(fields.IsFull);
    }
}
