using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Bulwark.Core.Packaging.Archives;
using Bulwark.Core.Packaging.Metadata;

namespace Bulwark.Core.Uploads;

/// <summary>What the file itself holds, once it passed <see cref="DistributionChecks.Inspect"/>.</summary>
/// <param name="MetadataBytes">The bytes served as the PEP 658 metadata file; null for an sdist.</param>
public sealed record InspectedDistribution(CoreMetadata Metadata, byte[]? MetadataBytes)
{
    /// <summary>The malware scan of the file, when one ran; not clean means a report, malicious also holds the release.</summary>
    public Moderation.Scanning.ScanReport? Scan { get; init; }
}

/// <summary>The metadata and file checks of an upload, over the packaging primitives; every refusal is <see cref="RefusalKind.Invalid"/>.</summary>

/// <param name="acceptLegacySdistNames">
/// Accept sdists named the pre-PEP 625 way (<c>my-project-1.0.tar.gz</c>, as setuptools before 69 writes
/// them) when name and version still match the upload. PyPI refuses them; an index for teams on older
/// toolchains may choose not to.
/// </param>
public sealed class DistributionChecks(MetadataValidationOptions validation, bool acceptLegacySdistNames = false, ArchiveLimits? archiveLimits = null)
{
    /// <summary>Warehouse's step 3: the metadata in the form, before anything else is looked at.</summary>
    public Refusal? CheckFormMetadata(UploadFields fields)
    {
        var error = MetadataValidator.Validate(CoreMetadata.FromForm(fields.AsDictionary()), validation);
        return error is null ? null : Refusal.Invalid(error.Message);
    }

    /// <summary>
    /// The whole filename check (characters, extension for the file type, wheel tags, PEP 625 sdist name, name
    /// and version matching the upload) runs before the file's bytes are read. Warehouse runs part of it after
    /// reading the file; a refusal that needs no bytes should not cost the client an upload.
    /// </summary>
    public Refusal? CheckFilename(string filename, PackageType type, string projectName, Pep440Version version)
    {
        var filetype = type == PackageType.Sdist ? DistributionFilename.SdistFiletype : DistributionFilename.WheelFiletype;
        var error = DistributionFilename.CheckUploadFilename(filename, filetype)
            ?? DistributionFilename.Validate(filename, filetype, projectName, version).Error;
        if (error is not null && type == PackageType.Sdist && acceptLegacySdistNames && IsLegacySdistName(filename, projectName, version))
        {
            return null;
        }
        return error is null ? null : Refusal.Invalid(error, "filename");
    }

    private static bool IsLegacySdistName(string filename, string projectName, Pep440Version version) =>
        filename.EndsWith(".tar.gz", StringComparison.Ordinal)
        && SdistFilename.TryParse(filename, out var sdist)
        && DistributionFilename.NameMatches(sdist.Name, projectName)
        && DistributionFilename.VersionMatches(sdist.Version, version);

    /// <summary>
    /// Reads the metadata from the file itself (never trusting the form for what is stored), validates it with
    /// the same rules, and requires the form to agree with it on name, version and metadata version.
    /// </summary>
    public Outcome<InspectedDistribution> Inspect(string path, UploadPlan plan)
    {
        var result = DistributionInspector.Inspect(path, plan.Filename, plan.PackageType, archiveLimits);
        if (!result.IsValid) return Refusal.Invalid(result.Error);
        var metadata = result.Metadata;
        if (MetadataValidator.Validate(metadata, validation) is { } invalid)
        {
            return Refusal.Invalid($"Invalid metadata in {PythonText.Shorten(result.MetadataPath)}: {invalid.Message}");
        }
        var mismatch = MetadataValidator.CompareWithForm(metadata, CoreMetadata.FromForm(plan.Fields.AsDictionary())).FirstOrDefault();
        if (mismatch is not null) return Refusal.Invalid(mismatch.Message);

        // Only a wheel's METADATA is served as the PEP 658 file: an sdist's PKG-INFO may leave fields dynamic.
        return new InspectedDistribution(metadata, plan.PackageType == PackageType.BdistWheel ? result.MetadataBytes : null);
    }
}
