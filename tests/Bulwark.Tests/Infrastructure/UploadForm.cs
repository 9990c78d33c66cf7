using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Bulwark.Tests.Infrastructure;

/// <summary>A legacy-API upload shaped like twine's: the same fields, in the same order.</summary>
public sealed class UploadForm
{
    private readonly List<(string Key, string Value)> _fields = [];

    public string Filename { get; set; } = "";
    public byte[] Content { get; set; } = [];
    public string ContentType { get; set; } = "application/octet-stream";
    public bool IncludeFile { get; set; } = true;

    public static UploadForm For(TestDistributions.Spec spec, bool wheel = true)
    {
        var content = wheel ? TestDistributions.Wheel(spec) : TestDistributions.Sdist(spec);
        var form = new UploadForm { Filename = wheel ? spec.WheelFilename : spec.SdistFilename, Content = content };
        form.Set(":action", "file_upload").Set("protocol_version", "1")
            .Set("name", spec.Name).Set("version", spec.Version)
            .Set("filetype", wheel ? "bdist_wheel" : "sdist").Set("pyversion", wheel ? spec.PythonTag : "source")
            .Set("metadata_version", spec.MetadataVersion).Set("summary", spec.Summary ?? "")
            .Set("description", spec.Description ?? "").Set("description_content_type", spec.DescriptionContentType)
            .Set("requires_python", spec.RequiresPython ?? "")
            .Set("sha256_digest", Convert.ToHexStringLower(SHA256.HashData(content)))
            .Set("md5_digest", Convert.ToHexStringLower(MD5.HashData(content)));
        foreach (var r in spec.RequiresDist) form.Add("requires_dist", r);
        return form;
    }

    /// <summary>Replaces every value of <paramref name="key"/>.</summary>
    public UploadForm Set(string key, string value)
    {
        _fields.RemoveAll(f => f.Key == key);
        _fields.Add((key, value));
        return this;
    }

    public UploadForm Add(string key, string value)
    {
        _fields.Add((key, value));
        return this;
    }

    public UploadForm Remove(string key)
    {
        _fields.RemoveAll(f => f.Key == key);
        return this;
    }

    public HttpContent ToContent()
    {
        var multipart = new MultipartFormDataContent();
        foreach (var (k, v) in _fields) multipart.Add(new StringContent(v, Encoding.UTF8), k);
        if (IncludeFile)
        {
            var file = new ByteArrayContent(Content);
            file.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
            multipart.Add(file, "content", Filename);
        }
        return multipart;
    }

    public static AuthenticationHeaderValue Basic(string username, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));

    public static AuthenticationHeaderValue TokenAuth(string token) => Basic("__token__", token);
}
