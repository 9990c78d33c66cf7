using System.Text;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests.Hostile;

/// <summary>
/// Upload builders for the filename, tag and metadata families: a valid upload of a new project by the
/// owner's unscoped token (so only the one thing changed can be refused) with its filename sent byte for
/// byte, or its METADATA replaced.
/// </summary>
public static class UploadVariants
{
    /// <summary>
    /// A valid upload of a new project whose file part is named <paramref name="filename"/> exactly: sent as
    /// RFC 5987 <c>filename*</c>, so control characters, quotes and non-ASCII arrive as written (the client
    /// library would otherwise quote or MIME-encode them).
    /// </summary>
    public static HttpRequestMessage Named(HostileContext c, Func<string, string> filename, bool wheel = true, Action<UploadForm>? change = null)
    {
        var spec = new TestDistributions.Spec(c.NewProjectName(), "1.0");
        var form = UploadForm.For(spec, wheel);
        change?.Invoke(form);
        var content = (MultipartFormDataContent)form.ToContent();
        var file = content.Last();
        file.Headers.Remove("Content-Disposition");
        var name = filename(TestDistributions.Escape(spec.Name));
        file.Headers.TryAddWithoutValidation("Content-Disposition", $"form-data; name=\"content\"; filename*=UTF-8''{Uri.EscapeDataString(name)}");
        return HostileRequests.Post(content, c.UnscopedToken);
    }

    /// <summary>A valid upload of a new project at version 1.0, built from <paramref name="shape"/> applied to its spec.</summary>
    public static HttpRequestMessage Built(HostileContext c, Func<TestDistributions.Spec, TestDistributions.Spec> shape, bool wheel = true, Action<UploadForm>? change = null) =>
        HostileRequests.Upload(c, shape(new TestDistributions.Spec(c.NewProjectName(), "1.0")), change, wheel);

    /// <summary>A valid upload of a new project whose METADATA (or PKG-INFO) is <paramref name="metadata"/>, given the spec's own text.</summary>
    public static HttpRequestMessage RawMetadata(HostileContext c, Func<string, byte[]> metadata, bool wheel = true) =>
        Built(c, s => s with { RawMetadata = metadata(TestDistributions.Metadata(s)) }, wheel);

    /// <summary>A valid upload of a new project with <paramref name="headers"/> added to its METADATA (or PKG-INFO).</summary>
    public static HttpRequestMessage ExtraMetadata(HostileContext c, string headers, bool wheel = true) =>
        Built(c, s => s with { ExtraMetadata = headers }, wheel);

    /// <summary>A valid upload of a new project with the form field <paramref name="key"/> set (or added, for repeated fields).</summary>
    public static HttpRequestMessage FormField(HostileContext c, string key, string value, bool add = false) =>
        HostileRequests.Upload(c, f => { if (add) f.Add(key, value); else f.Set(key, value); });

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary><paramref name="text"/> with <paramref name="inserted"/> bytes placed after its first line.</summary>
    public static byte[] AfterFirstLine(string text, params byte[] inserted)
    {
        var newline = text.IndexOf('\n') + 1;
        return [.. Utf8(text[..newline]), .. inserted, .. Utf8(text[newline..])];
    }

    /// <summary>A text nested <paramref name="depth"/> parentheses deep around <paramref name="inner"/>.</summary>
    public static string Nested(int depth, string inner) => new string('(', depth) + inner + new string(')', depth);
}
