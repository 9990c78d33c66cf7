using Bulwark.Core.Packaging;

namespace Bulwark.Core.Tests.Packaging;

public class Pep440VersionOrderingTests
{
    /// <summary>Strictly increasing under PEP 440, built around the ordering examples of PEP 440.</summary>
    private static readonly string[] Ascending =
    [
        "0.dev0",
        "0a0",
        "0.0.1",
        "1.dev0",
        "1.0.dev456",
        "1.0a1",
        "1.0a2.dev456",
        "1.0a12.dev456",
        "1.0a12",
        "1.0b1.dev456",
        "1.0b2",
        "1.0b2.post345.dev456",
        "1.0b2.post345",
        "1.0b2-346",
        "1.0c1.dev456",
        "1.0c1",
        "1.0rc2",
        "1.0c3",
        "1.0",
        "1.0+abc.5",
        "1.0+abc.7",
        "1.0+5",
        "1.0.post456.dev34",
        "1.0.post456",
        "1.0.15",
        "1.1.dev1",
        "1.2+123abc",
        "1.2+123abc456",
        "1.2+abc",
        "1.2+abc123",
        "1.2+abc123def",
        "1.2+1234.abc",
        "1.2+123456",
        "1.2.r32+123456",
        "1.2.rev33+123456",
        "1.10",
        "2.0.0rc1",
        "2",
        "2.0.0.1",
        "9223372036854775807",
        "1!0.1",
        "1!1.0.dev1",
        "1!1.0",
        "2!0.1",
    ];

    public static TheoryData<int> Seeds => new() { 1, 2, 3, 42, 2024 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Sorting_a_shuffled_copy_reproduces_the_PEP_440_order(int seed)
    {
        var versions = Ascending.Select(Pep440Version.Parse).ToArray();
        var shuffled = versions.ToArray();
        new Random(seed).Shuffle(shuffled);
        Assert.NotEqual(versions.Select(v => v.Normalized), shuffled.Select(v => v.Normalized));

        Array.Sort(shuffled);

        Assert.Equal(versions.Select(v => v.Normalized), shuffled.Select(v => v.Normalized));
    }

    [Fact]
    public void Every_pair_compares_consistently_with_its_position()
    {
        var versions = Ascending.Select(Pep440Version.Parse).ToArray();
        for (var i = 0; i < versions.Length; i++)
        {
            for (var j = 0; j < versions.Length; j++)
            {
                Assert.Equal(i.CompareTo(j), versions[i].CompareTo(versions[j]));
                Assert.Equal(i == j, versions[i].Equals(versions[j]));
                Assert.Equal(i < j, versions[i] < versions[j]);
                Assert.Equal(i >= j, versions[i] >= versions[j]);
            }
        }
    }

    [Theory]
    [InlineData("1.0", "1.0.0")]
    [InlineData("1", "1.0.0.0.0")]
    [InlineData("1.0a1", "1.0alpha1")]
    [InlineData("1.0rc1", "1.0c1")]
    [InlineData("1.0rc1", "1.0pre1")]
    [InlineData("1.0.post0", "1.0-0")]
    [InlineData("1.0.post1", "1.0.rev1")]
    [InlineData("1.0+ubuntu-1", "1.0+ubuntu.1")]
    [InlineData("1.0+ABC", "1.0+abc")]
    [InlineData("1.0+01", "1.0+1")]
    [InlineData("0!1.0", "v1.0")]
    [InlineData("1.0.0+local", "1.0+local")]
    [InlineData("0", "0.0")]
    public void Equal_versions_are_equal_and_hash_alike(string left, string right)
    {
        var a = Pep440Version.Parse(left);
        var b = Pep440Version.Parse(right);
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.Equal(0, a.CompareTo(b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a.CanonicalForm, b.CanonicalForm);
    }

    [Theory]
    [InlineData("1.0", "1.0+local")]
    [InlineData("1.0", "1.0.post0")]
    [InlineData("1.0", "1.0.dev0")]
    [InlineData("1.0", "1.0a0")]
    [InlineData("1.0", "1!1.0")]
    [InlineData("1.0", "1.0.1")]
    [InlineData("1.0+abc", "1.0+abc.0")]
    [InlineData("1.0a1", "1.0b1")]
    public void Different_versions_are_not_equal(string left, string right)
    {
        var a = Pep440Version.Parse(left);
        var b = Pep440Version.Parse(right);
        Assert.NotEqual(a, b);
        Assert.True(a != b);
        Assert.NotEqual(0, a.CompareTo(b));
    }

    [Fact]
    public void A_hash_set_keeps_one_of_each_equal_version()
    {
        var set = new HashSet<Pep440Version>(new[] { "1.0", "1.0.0", "1.0.0.0", "1.0a1", "1.0alpha1", "1.0+x" }.Select(Pep440Version.Parse));
        Assert.Equal(3, set.Count);
    }

    [Fact]
    public void Null_sorts_first_and_is_never_equal()
    {
        var version = Pep440Version.Parse("1.0");
        Assert.Equal(1, version.CompareTo(null));
        Assert.False(version.Equals(null));
        Assert.False(version == null);
        Assert.True((Pep440Version?)null == null);
    }

    [Fact]
    public void Non_generic_comparison_refuses_other_types()
    {
        IComparable version = Pep440Version.Parse("1.0");
        Assert.Equal(0, version.CompareTo(Pep440Version.Parse("1")));
        Assert.Throws<ArgumentException>(() => version.CompareTo("1.0"));
    }
}
