using Bulwark.Core.Moderation.Typosquats;

namespace Bulwark.Core.Tests.Moderation;

public sealed class ProtectedNameListTests : IDisposable
{
    private readonly string _path = Path.GetTempFileName();

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Reads_one_name_per_line_with_comments()
    {
        File.WriteAllText(_path, "# protected\nboto3\n\n  requests  # the HTTP library\nnumpy\n");
        Assert.Equal(["boto3", "requests", "numpy"], ProtectedNameList.Read(_path));
    }

    [Fact]
    public void Reads_the_top_pypi_packages_json_shape_in_rank_order()
    {
        File.WriteAllText(_path, """{"last_update":"2026-04-01","rows":[{"download_count":9,"project":"boto3"},{"download_count":8,"project":"packaging"}]}""");
        Assert.Equal(["boto3", "packaging"], ProtectedNameList.Read(_path));
    }

    [Fact]
    public void Reads_a_json_array_and_applies_the_limit()
    {
        File.WriteAllText(_path, """["a1", "b2", "c3"]""");
        Assert.Equal(["a1", "b2"], ProtectedNameList.Read(_path, limit: 2));
    }

    [Fact]
    public void Json_of_another_shape_is_refused_with_the_file_named()
    {
        File.WriteAllText(_path, """{"names": 3}""");
        var error = Assert.Throws<InvalidDataException>(() => ProtectedNameList.Read(_path));
        Assert.Contains(_path, error.Message);
    }

    [Fact]
    public void Invalid_names_and_repeats_are_not_protected()
    {
        var names = new ProtectedNames(["requests", "Requests", "not a name", "-bad", "numpy"]);
        Assert.Equal(["requests", "numpy"], names.Names);
    }
}
