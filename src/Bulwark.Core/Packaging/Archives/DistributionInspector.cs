using Bulwark.Core.Packaging.Metadata;

namespace Bulwark.Core.Packaging.Archives;

/// <summary>
/// Checks an uploaded distribution file and extracts its core metadata, without writing anything to disk,
/// running any of its code, or touching the network. Refusals are worded like PyPI's so that upload tools
/// show familiar messages. Nested archives (wheels may legitimately ship zips) are opaque data: never opened.
/// </summary>
public static partial class DistributionInspector
{
    private const string Invalid = "Invalid distribution file.";
    private const string ArchivesHelp = "See https://docs.pypi.org/archives for more information";

    /// <summary>Inspects the file at <paramref name="filePath"/>.</summary>
    /// <param name="filePath">Where the uploaded bytes were buffered.</param>
    /// <param name="filename">The name the client gave the file (e.g. <c>pkg-1.0-py3-none-any.whl</c>).</param>
    /// <param name="type">The form's <c>filetype</c>.</param>
    /// <param name="limits">Caps on work and memory; <see cref="ArchiveLimits.Default"/> when null.</param>
    public static InspectionResult Inspect(string filePath, string filename, PackageType type, ArchiveLimits? limits = null)
    {
        using var file = new FileStream(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        return Inspect(file, filename, type, limits);
    }

    /// <summary>Inspects a readable, seekable stream holding the whole uploaded file.</summary>
    public static InspectionResult Inspect(Stream file, string filename, PackageType type, ArchiveLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(filename);
        if (!file.CanRead || !file.CanSeek)
        {
            throw new ArgumentException("The stream must be readable and seekable.", nameof(file));
        }

        limits ??= ArchiveLimits.Default;
        try
        {
            return (type, filename) switch
            {
                (PackageType.BdistWheel, _) when filename.EndsWith(".whl", StringComparison.Ordinal) =>
                    InspectZip(file, filename, wheel: true, limits),
                (PackageType.Sdist, _) when filename.EndsWith(".zip", StringComparison.Ordinal) =>
                    InspectZip(file, filename, wheel: false, limits),
                (PackageType.Sdist, _) when filename.EndsWith(".tar.gz", StringComparison.Ordinal) =>
                    InspectTarGz(file, filename, limits),
                _ => InspectionResult.Failure(
                    $"{Invalid} The file name {PyRepr.Str(filename)} does not have an extension allowed for its file type " +
                    $"({(type == PackageType.BdistWheel ? ".whl" : ".tar.gz or .zip")})."),
            };
        }
        catch (ArchiveRejectedException ex)
        {
            return InspectionResult.Failure(ex.Message);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or OverflowException)
        {
            // The readers refuse what they find with ArchiveRejectedException; these are the faults of hostile
            // bytes that a reader did not anticipate. They still describe the upload, not the server, so the
            // uploader gets a refusal instead of a server error.
            return InspectionResult.Failure($"{Invalid} The archive is malformed and cannot be read.");
        }
    }

    /// <summary>A member as the layout checks see it, whatever the archive format.</summary>
    private sealed record Member(string Name, bool IsDirectory);

    /// <summary>The sdist rule: exactly one top-level directory, holding PKG-INFO. Returns PKG-INFO's path.</summary>
    private static string CheckSdistLayout(IReadOnlyCollection<Member> members)
    {
        var tops = members.Select(m => MemberPath.TopLevel(m.Name)).Distinct(StringComparer.Ordinal).ToList();
        if (tops.Count != 1 || members.Any(m => !m.IsDirectory && m.Name == tops[0]))
        {
            throw new ArchiveRejectedException($"{Invalid} Incorrect number of top-level directories in sdist");
        }

        var pkgInfo = $"{tops[0]}/PKG-INFO";
        if (!members.Any(m => !m.IsDirectory && m.Name == pkgInfo))
        {
            throw new ArchiveRejectedException($"{Invalid} PKG-INFO not found at {pkgInfo}");
        }

        return pkgInfo;
    }

    /// <summary>
    /// The wheel rule: the <c>.dist-info</c> directory is named after the file name's first two parts and holds
    /// WHEEL, RECORD and METADATA; a second <c>.dist-info</c> directory would leave installers to pick one.
    /// Returns the dist-info directory name.
    /// </summary>
    private static string CheckWheelLayout(IReadOnlyCollection<Member> members, string filename)
    {
        var parts = filename.Split('-', 3);
        if (parts.Length < 3)
        {
            throw new ArchiveRejectedException($"{Invalid} Unable to parse name and version from wheel filename");
        }

        var distInfo = $"{parts[0]}-{parts[1]}.dist-info";
        var infoDirs = members.Select(m => MemberPath.TopLevel(m.Name))
            .Where(t => t.EndsWith(".dist-info", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (infoDirs.Count > 1)
        {
            throw new ArchiveRejectedException($"{Invalid} Wheel contains multiple .dist-info directories: {PyRepr.List(infoDirs)}");
        }

        bool HasFile(string path) => members.Any(m => !m.IsDirectory && m.Name == path);

        if (!HasFile($"{distInfo}/WHEEL"))
        {
            throw new ArchiveRejectedException($"{Invalid} WHEEL not found at {distInfo}/WHEEL");
        }

        if (!HasFile($"{distInfo}/RECORD"))
        {
            throw new ArchiveRejectedException(
                $"Wheel '{filename}' does not contain the required RECORD file: {distInfo}/RECORD");
        }

        if (!HasFile($"{distInfo}/METADATA"))
        {
            throw new ArchiveRejectedException(
                $"Wheel '{filename}' does not contain the required METADATA file: {distInfo}/METADATA");
        }

        return distInfo;
    }

    /// <summary>Parses the extracted metadata and checks that every License-File it names is in the archive.</summary>
    private static InspectionResult Finish(
        string filename, string metadataPath, byte[] bytes, IReadOnlyCollection<Member> members, string licenseRoot)
    {
        if (!CoreMetadata.TryParse(bytes, out var metadata, out var error))
        {
            throw new ArchiveRejectedException($"{Invalid} {metadataPath} is not valid core metadata: {error}");
        }

        foreach (var licenseFile in metadata.LicenseFiles)
        {
            var target = $"{licenseRoot}/{licenseFile}";
            if (!members.Any(m => !m.IsDirectory && m.Name == target))
            {
                throw new ArchiveRejectedException(
                    $"License-File {licenseFile} does not exist in distribution file {filename} at {target}");
            }
        }

        return InspectionResult.Success(metadataPath, bytes, metadata, members.Count);
    }
}
