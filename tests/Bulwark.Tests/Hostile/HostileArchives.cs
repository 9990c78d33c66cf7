using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using Bulwark.Core.Tests.Packaging;
using Bulwark.Tests.Infrastructure;
using Spec = Bulwark.Tests.Infrastructure.TestDistributions.Spec;

namespace Bulwark.Tests.Hostile;

/// <summary>
/// Uploads of hand-made distributions for the archive families: a new project whose form is valid and whose
/// file is built by the case from the project's own names, so the archive is the only thing wrong with it.
/// </summary>
internal static class HostileArchives
{
    /// <summary>A case uploading the wheel <paramref name="build"/> makes, refused with a message containing <paramref name="mentions"/>.</summary>
    public static HostileCase Wheel(string family, string name, Func<Spec, byte[]> build, string mentions) =>
        new(family, name, c => Upload(c, wheel: true, build), HostileExpectation.Refused(mentions));

    /// <summary>A case uploading the sdist <paramref name="build"/> makes, refused with a message containing <paramref name="mentions"/>.</summary>
    public static HostileCase Sdist(string family, string name, Func<Spec, byte[]> build, string mentions) =>
        new(family, name, c => Upload(c, wheel: false, build), HostileExpectation.Refused(mentions));

    public static HttpRequestMessage Upload(HostileContext c, bool wheel, Func<Spec, byte[]> build)
    {
        var spec = new Spec(c.NewProjectName(), "1.0");
        var form = UploadForm.For(spec, wheel);
        var bytes = build(spec);
        // The digests describe the hostile bytes: the refusal must come from the archive check, not the digest one.
        form.Content = bytes;
        form.Set("sha256_digest", Convert.ToHexStringLower(SHA256.HashData(bytes)))
            .Set("md5_digest", Convert.ToHexStringLower(MD5.HashData(bytes)));
        return HostileRequests.Post(form.ToContent(), c.UnscopedToken);
    }

    public static string DistInfo(Spec spec) => $"{spec.Prefix}.dist-info";

    public static string Package(Spec spec) => TestDistributions.Escape(spec.Name);

    public static RawZip.Entry Member(string name, string data = "x = 1\n") => new(Encoding.UTF8.GetBytes(name), Encoding.UTF8.GetBytes(data));

    /// <summary>The wheel's members as stored entries, each changed by <paramref name="change"/> (by name).</summary>
    public static List<RawZip.Entry> WheelEntries(Spec spec, Func<string, RawZip.Entry, RawZip.Entry>? change = null) =>
        TestDistributions.WheelMembers(spec)
            .Select(m => new RawZip.Entry(Encoding.UTF8.GetBytes(m.Name), Encoding.UTF8.GetBytes(m.Content)))
            .Select(e => change is null ? e : change(Encoding.UTF8.GetString(e.Name), e))
            .ToList();

    /// <summary><paramref name="zip"/> (with its archive-level settings) holding the wheel's members and <paramref name="extra"/>.</summary>
    public static byte[] Build(this RawZip zip, Spec spec, params RawZip.Entry[] extra)
    {
        zip.Entries.AddRange(WheelEntries(spec));
        zip.Entries.AddRange(extra);
        return zip.Build();
    }

    /// <summary>A stored wheel with <paramref name="extra"/> members after the valid ones.</summary>
    public static byte[] WheelWith(Spec spec, params RawZip.Entry[] extra) => new RawZip().Build(spec, extra);

    /// <summary>The sdist's members as an uncompressed tar stream without its end marker (to append hand-made blocks).</summary>
    public static byte[] SdistTar(Spec spec) =>
        ArchiveFixtures.RawTar(TestDistributions.SdistMembers(spec).Select(m => (TarEntry)ArchiveFixtures.File(m.Name, m.Content)), endMarker: false);

    /// <summary>A gzip-compressed sdist: the valid members, then <paramref name="blocks"/>, then the end marker.</summary>
    public static byte[] SdistWith(Spec spec, params byte[][] blocks) =>
        ArchiveFixtures.Gzip([.. SdistTar(spec), .. blocks.SelectMany(b => b), .. new byte[1024]]);

    /// <summary>A hand-made member of the sdist: header and padded data.</summary>
    public static byte[] TarMember(string name, char type, string data = "", Action<byte[]>? patch = null)
    {
        var bytes = Encoding.UTF8.GetBytes(data);
        return [.. ArchiveFixtures.TarHeader(name, type, bytes.Length, patch: patch), .. ArchiveFixtures.Padded(bytes)];
    }
}
