using Bulwark.Core.Packaging;
using Bulwark.Core.Packaging.Metadata;

namespace Bulwark.Core.Uploads;

/// <summary>The metadata and file checks of an upload, over the packaging primitives.</summary>
public sealed record InspectedDistribution(UploadFailure? Failure, CoreMetadata? Metadata, byte[]? MetadataBytes);

public sealed class DistributionChecks
{
    public UploadFailure? CheckFormMetadata(UploadFields fields) => null;

    /// <summary>
    /// The whole filename check (characters, extension for the file type, wheel tags, PEP 625 sdist name, name
    /// and version matching the upload) runs before the file's bytes are read. Warehouse runs part of it after
    /// reading the file; a refusal that needs no bytes should not cost the client an upload.
    /// </summary>
    public UploadFailure? CheckFilename(string filename, PackageType type, string projectName, Pep440Version version)
    {
        var filetype = type == PackageType.Sdist ? DistributionFilename.SdistFiletype : DistributionFilename.WheelFiletype;
        var error = DistributionFilename.CheckUploadFilename(filename, filetype)
            ?? DistributionFilename.Validate(filename, filetype, projectName, version).Error;
        return error is null ? null : UploadFailure.BadRequest(error);
    }

    public InspectedDistribution Inspect(string path, UploadPlan plan) => new(null, new CoreMetadata(), null);
}
