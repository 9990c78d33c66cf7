using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Bulwark.Core.Packaging.Metadata;
using Bulwark.Core.Uploads;

namespace Bulwark.Core.Tests.Uploads;

/// <summary>The filename and form-metadata checks that run before a byte of the file is read.</summary>
public sealed class DistributionChecksTests
{
    private static readonly DistributionChecks Strict = new(MetadataValidationOptions.Default);
    private static readonly DistributionChecks Lenient = new(MetadataValidationOptions.Default, acceptLegacySdistNames: true);
    private static readonly Pep440Version One = Pep440Version.Parse("1.0");

    [Theory]
    [InlineData("my_project-1.0-py3-none-any.whl", PackageType.BdistWheel)]
    [InlineData("my_project-1.0.tar.gz", PackageType.Sdist)]
    public void A_filename_naming_the_upload_passes(string filename, PackageType type) =>
        Assert.Null(Strict.CheckFilename(filename, type, "my-project", One));

    [Fact]
    public void A_wheel_for_another_project_is_refused_as_invalid_filename()
    {
        var refusal = Strict.CheckFilename("other-1.0-py3-none-any.whl", PackageType.BdistWheel, "my-project", One);
        Assert.NotNull(refusal);
        Assert.Equal(RefusalKind.Invalid, refusal.Kind);
        Assert.Equal("filename", refusal.Field);
        Assert.Contains("my_project", refusal.Message);
    }

    [Fact]
    public void A_wheel_of_another_version_is_refused() =>
        Assert.NotNull(Strict.CheckFilename("my_project-2.0-py3-none-any.whl", PackageType.BdistWheel, "my-project", One));

    [Fact]
    public void A_wheel_extension_on_an_sdist_upload_is_refused() =>
        Assert.NotNull(Strict.CheckFilename("my_project-1.0-py3-none-any.whl", PackageType.Sdist, "my-project", One));

    [Fact]
    public void A_path_in_the_filename_is_refused() =>
        Assert.NotNull(Strict.CheckFilename("../my_project-1.0.tar.gz", PackageType.Sdist, "my-project", One));

    [Fact]
    public void A_pre_PEP_625_sdist_name_is_refused_unless_the_index_accepts_them()
    {
        var refusal = Strict.CheckFilename("my-project-1.0.tar.gz", PackageType.Sdist, "my-project", One);
        Assert.NotNull(refusal);
        Assert.Contains("my_project-1.0.tar.gz", refusal.Message);
        Assert.Null(Lenient.CheckFilename("my-project-1.0.tar.gz", PackageType.Sdist, "my-project", One));
    }

    [Fact]
    public void Accepting_legacy_sdist_names_still_requires_the_uploads_name_and_version()
    {
        Assert.NotNull(Lenient.CheckFilename("other-project-1.0.tar.gz", PackageType.Sdist, "my-project", One));
        Assert.NotNull(Lenient.CheckFilename("my-project-2.0.tar.gz", PackageType.Sdist, "my-project", One));
        Assert.NotNull(Lenient.CheckFilename("my-project-1.0.whl", PackageType.Sdist, "my-project", One));
    }

    [Fact]
    public void Valid_form_metadata_passes() => Assert.Null(Strict.CheckFormMetadata(UploadForms.Wheel()));

    [Fact]
    public void Invalid_form_metadata_is_refused_as_invalid()
    {
        var refusal = Strict.CheckFormMetadata(UploadForms.Wheel(("metadata_version", "9.9")));
        Assert.NotNull(refusal);
        Assert.Equal(RefusalKind.Invalid, refusal.Kind);
        Assert.Contains("9.9", refusal.Message);
    }
}
