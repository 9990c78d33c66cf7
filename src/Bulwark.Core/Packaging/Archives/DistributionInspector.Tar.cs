using System.IO.Compression;

namespace Bulwark.Core.Packaging.Archives;

public static partial class DistributionInspector
{
    private static InspectionResult InspectTarGz(Stream file, string filename, ArchiveLimits limits)
    {
        // First what the file is at all: a ZIP (or anything else) under a .tar.gz name is not a gzip stream.
        Span<byte> magic = stackalloc byte[2];
        file.Position = 0;
        if (file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) < 2 || magic[0] != 0x1F || magic[1] != 0x8B)
        {
            throw new ArchiveRejectedException($"{Invalid} File is not a gzip-compressed tarfile");
        }

        // ZIP readers find their directory at the end of a file, so bytes appended to a gzip stream can make
        // the same upload a valid ZIP with other contents (CVE-2026-3219).
        if (PolyglotDetector.LooksLikeZip(file))
        {
            throw new ArchiveRejectedException($"{Invalid} File is both a ZIP and a tar archive");
        }

        file.Position = 0;
        TarScanner scanner;
        try
        {
            using var gzip = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
            using var guarded = new InflationGuardStream(gzip, file.Length, limits);
            // Only the first "<top>/PKG-INFO" is kept: a second one means a second top-level directory,
            // which the layout check refuses anyway.
            scanner = new TarScanner(guarded, limits, IsTopLevelPkgInfo, maxCaptures: 1);
            scanner.Scan();
        }
        catch (InvalidDataException)
        {
            throw new ArchiveRejectedException($"{Invalid} File is not a tarfile (corrupt gzip data)");
        }

        var members = scanner.Members.Select(m => new Member(m.Name, m.IsDirectory)).ToList();
        var pkgInfo = CheckSdistLayout(members);
        return Finish(filename, pkgInfo, scanner.Captured[pkgInfo], members, MemberPath.TopLevel(pkgInfo));
    }

    private static bool IsTopLevelPkgInfo(string name)
    {
        var slash = name.IndexOf('/');
        return slash > 0 && name.AsSpan(slash + 1).SequenceEqual("PKG-INFO");
    }
}
