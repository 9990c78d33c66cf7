using System.Text;
using Bulwark.Core.Tests.Packaging;
using static Bulwark.Tests.Hostile.HostileArchives;
using Spec = Bulwark.Tests.Infrastructure.TestDistributions.Spec;

namespace Bulwark.Tests.Hostile.Families;

/// <summary>
/// Small uploads that inflate to far more than they are: high-ratio deflate members, declared sizes far above
/// the data, members that inflate past what they declare, nested archives, and tar.gz files whose gzip stream
/// unpacks to gigabytes. The server must refuse each without inflating more than its limits allow.
/// </summary>
[HostileFamily]
public static class CompressionBombFamily
{
    private const string F = "compression-bombs";
    private const int MiB = 1024 * 1024;

    /// <summary>Deflated data with its CRC and size, built once per test run (the big ones take a moment).</summary>
    private sealed record Deflated(byte[] Payload, uint Crc, long Size)
    {
        public static Deflated Of(byte[] data) => new(RawZip.Deflated(data), RawZip.Crc32(data), data.Length);

        public RawZip.Entry Entry(string name, long? declared = null) => new(Encoding.UTF8.GetBytes(name), [])
        {
            Method = 8,
            Payload = Payload,
            Crc = Crc,
            LocalUncompressedSize = (uint)(declared ?? Size),
            CentralUncompressedSize = (uint)(declared ?? Size),
        };
    }

    private static readonly Lazy<Deflated> Zeros100MiB = new(() => Deflated.Of(new byte[100 * MiB]));
    private static readonly Lazy<Deflated> Zeros1MiB = new(() => Deflated.Of(new byte[MiB]));

    /// <summary>A stored ZIP holding 100 MiB of zeros, itself deflated: tiny outside, huge one level in.</summary>
    private static readonly Lazy<Deflated> NestedZip = new(() =>
    {
        var inner = new RawZip();
        inner.Entries.Add(new RawZip.Entry("zeros.bin"u8.ToArray(), new byte[100 * MiB]));
        return Deflated.Of(inner.Build());
    });

    /// <summary>A gzip member of 100 MiB of zero bytes: appended to a tar.gz it continues the tar stream.</summary>
    private static readonly Lazy<byte[]> GzipZeros100MiB = new(() => ArchiveFixtures.Gzip(new byte[100 * MiB + 1024]));

    public static IEnumerable<HostileCase> Cases()
    {
        yield return Wheel(F, "deflated-100-mib-of-zeros", s => WheelWith(s, Zeros100MiB.Value.Entry($"{Package(s)}/zeros.bin")), "compression ratio");
        yield return Wheel(F, "seventy-members-of-1-mib-each", s => WheelWith(s,
            [.. Enumerable.Range(0, 70).Select(i => Zeros1MiB.Value.Entry($"{Package(s)}/zeros{i}.bin"))]), "compression ratio");
        yield return Wheel(F, "declared-2-gib-over-one-byte", s => WheelWith(s, Member($"{Package(s)}/big.bin", "x") with
        {
            LocalUncompressedSize = 0x80000000, CentralUncompressedSize = 0x80000000,
        }), "compression ratio");
        yield return Wheel(F, "zip64-declared-1-tib", s => WheelWith(s, Member($"{Package(s)}/big.bin", "x") with { Zip64Uncompressed = 1UL << 40 }), "compression ratio");
        yield return Wheel(F, "declared-4-gib-spread-over-members", s => WheelWith(s,
            [.. Enumerable.Range(0, 4).Select(i => Member($"{Package(s)}/part{i}.bin", "x") with { LocalUncompressedSize = 0xFFFFFFF0, CentralUncompressedSize = 0xFFFFFFF0 })]),
            "compression ratio");
        yield return Wheel(F, "bomb-declaring-a-small-size", s => WheelWith(s, Zeros100MiB.Value.Entry($"{Package(s)}/small.bin", declared: 1000)), "corrupt");
        yield return Wheel(F, "bomb-declaring-zero-bytes", s => WheelWith(s, Zeros100MiB.Value.Entry($"{Package(s)}/empty.txt", declared: 0)), "corrupt");
        yield return Wheel(F, "bomb-in-metadata", s =>
        {
            var zip = new RawZip();
            zip.Entries.AddRange(WheelEntries(s, (name, e) => name.EndsWith("/METADATA", StringComparison.Ordinal)
                ? Zeros100MiB.Value.Entry(name, declared: e.Data.Length) with { Crc = RawZip.Crc32(e.Data) }
                : e));
            return zip.Build();
        }, "corrupt");
        yield return Wheel(F, "bomb-in-a-directory-entry", s => WheelWith(s, Zeros100MiB.Value.Entry($"{Package(s)}/data/", declared: 0)), "corrupt");
        yield return Wheel(F, "nested-zip-of-zeros", s => WheelWith(s, NestedZip.Value.Entry($"{Package(s)}/data/inner.zip")), "compression ratio");
        yield return Wheel(F, "nested-zip-declared-huge", s => WheelWith(s, Member($"{Package(s)}/data/inner.zip", "PK\x05\x06" + new string('\0', 18)) with
        {
            Zip64Uncompressed = 1UL << 36,
        }), "compression ratio");
        yield return Wheel(F, "overlapping-entries-sharing-one-body", s => WheelWith(s,
            [.. Enumerable.Range(0, 1000).Select(i => Member($"{Package(s)}/copy{i}.bin") with { InLocal = false, CentralOffset = 0 })]),
            "ZIP archive not accepted");
        yield return Sdist(F, "tar-gz-member-of-100-mib-zeros", s =>
        [
            .. ArchiveFixtures.Gzip([.. SdistTar(s), .. ArchiveFixtures.TarHeader($"{s.Prefix}/zeros.bin", '0', 100 * MiB)]),
            .. GzipZeros100MiB.Value,
        ], "compression ratio");
        yield return Sdist(F, "tar-gz-zeros-after-the-end-marker", s => [.. SdistWith(s), .. GzipZeros100MiB.Value], "compression ratio");
        yield return Sdist(F, "tar-gz-pkg-info-of-100-mib", s =>
        [
            .. ArchiveFixtures.Gzip(ArchiveFixtures.TarHeader($"{s.Prefix}/PKG-INFO", '0', 100 * MiB)),
            .. GzipZeros100MiB.Value,
        ], "larger than the limit");
    }
}
