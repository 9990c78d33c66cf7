using Bulwark.Core.Packaging;
using Bulwark.Core.Packaging.Metadata;

namespace Bulwark.Core.Uploads;

/// <summary>The metadata and file checks of an upload, over the packaging primitives.</summary>
public sealed record InspectedDistribution(UploadFailure? Failure, CoreMetadata? Metadata, byte[]? MetadataBytes);

public sealed class DistributionChecks
{
    public UploadFailure? CheckFormMetadata(UploadFields fields) => null;

    public UploadFailure? CheckFilename(string filename, PackageType type, string projectName, Pep440Version version) => null;

    public InspectedDistribution Inspect(string path, UploadPlan plan) => new(null, new CoreMetadata(), null);
}
