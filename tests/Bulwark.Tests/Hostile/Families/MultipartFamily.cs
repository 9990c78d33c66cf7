using System.Text;
using Bulwark.Tests.Infrastructure;
using static Bulwark.Tests.Hostile.HostileRequests;

namespace Bulwark.Tests.Hostile.Families;

/// <summary>
/// Upload bodies whose multipart framing is broken or abusive: part headers over the limit, bodies without a
/// closing boundary or cut short, garbage, boundaries that are missing or do not match, duplicated or missing
/// file parts, fields over the size budget and floods of parts. Each is a 4xx that names the problem, read
/// with bounded memory, never a server error.
/// </summary>
[HostileFamily]
public static class MultipartFamily
{
    private const string F = "multipart";
    private const string Boundary = "hostile-boundary-7d2f9c";

    /// <summary>One part as it goes on the wire: its header lines and its body.</summary>
    private sealed record Part(List<string> Headers, byte[] Body)
    {
        public static Part Field(string name, string value) => new([$"Content-Disposition: form-data; name=\"{name}\""], Encoding.UTF8.GetBytes(value));

        public bool IsFile => Headers.Any(h => h.Contains("filename", StringComparison.Ordinal));
    }

    public static IEnumerable<HostileCase> Cases()
    {
        foreach (var c in Headers()) yield return c;
        foreach (var c in Boundaries()) yield return c;
        foreach (var c in FileParts()) yield return c;
        foreach (var c in Sizes()) yield return c;
    }

    private static HostileCase Case(string name, Func<List<Part>, byte[]> body, string mentions, string? contentType = null) =>
        new(F, name, c => RawUpload(c.UnscopedToken, body(TwineParts(c)), contentType ?? $"multipart/form-data; boundary={Boundary}"),
            HostileExpectation.Refused(mentions));

    /// <summary>A case whose parts are changed in place, then encoded with the closing boundary.</summary>
    private static HostileCase Changed(string name, Action<List<Part>> change, string mentions) =>
        Case(name, parts => { change(parts); return Encode(parts); }, mentions);

    private static IEnumerable<HostileCase> Headers()
    {
        yield return Changed("part-header-over-the-limit", p => p[0].Headers.Add("X-Padding: " + new string('a', 17_000)), "longer than the limit of 16384 bytes");
        yield return Changed("part-headers-together-over-the-limit", p => p[0].Headers.AddRange(Enumerable.Range(0, 14).Select(i => $"X-Pad{i}: " + new string('b', 1200))), "longer than the limit of 16384 bytes");
        yield return Changed("file-part-filename-over-the-limit", p => Disposition(File(p), $"form-data; name=\"content\"; filename=\"{new string('c', 20_000)}.whl\""), "longer than the limit of 16384 bytes");
        yield return Changed("too-many-part-header-lines", p => p[0].Headers.AddRange(Enumerable.Range(0, 20).Select(i => $"X-Line{i}: x")), "more than 16 header lines");
        yield return Changed("part-header-line-without-colon", p => p[0].Headers.Add("this line has no colon"), "header line is invalid");
        yield return Changed("part-without-content-disposition", p => p[1].Headers.Clear(), "Content-Disposition");
        yield return Changed("part-with-garbage-content-disposition", p => Disposition(p[1], ";;;\""), "Content-Disposition");
        yield return Changed("single-valued-field-repeated", p => p.Insert(0, Part.Field("name", "another-name")), "Should not be a tuple");
    }

    private static IEnumerable<HostileCase> Boundaries()
    {
        yield return Case("no-closing-boundary", p => Encode(p, close: false), "truncated");
        yield return Case("cut-inside-the-file", p => Encode(p)[..^120], "truncated");
        yield return Case("cut-inside-a-field", p => Cut(Encode(p), "A test package", 3), "truncated");
        yield return Case("cut-inside-part-headers", p => Encode(p)[..(Boundary.Length + 20)], "malformed");
        yield return Case("garbage-under-a-multipart-type", _ => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("not multipart at all; ", 500))), "delimited by the boundary");
        yield return Case("binary-garbage-under-a-multipart-type", _ => [.. Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7919 >> 3))], "no boundary its Content-Type declares");
        yield return Case("empty-body", _ => [], "delimited by the boundary");
        yield return Case("boundary-differs-from-the-content-type", p => Encode(p, boundary: "another-boundary"), "delimited by the boundary");
        yield return Case("only-a-preamble", _ => "This is the preamble and nothing follows it.\r\n"u8.ToArray(), "delimited by the boundary");
        yield return Case("missing-boundary-parameter", Encode, "no boundary parameter", contentType: "multipart/form-data");
        yield return Case("empty-boundary-parameter", Encode, "no boundary parameter", contentType: "multipart/form-data; boundary=\"\"");
        yield return Case("boundary-of-300-characters", Encode, "longer than 200 characters", contentType: $"multipart/form-data; boundary={new string('q', 300)}");
        yield return Case("urlencoded-body", _ => "name=x&version=1.0"u8.ToArray(), "multipart/form-data", contentType: "application/x-www-form-urlencoded");
        yield return Case("json-body", _ => "{\"name\": \"x\"}"u8.ToArray(), "multipart/form-data", contentType: "application/json");
        yield return Case("multipart-mixed", Encode, "multipart/form-data", contentType: $"multipart/mixed; boundary={Boundary}");
        yield return Case("unparseable-content-type", Encode, "multipart/form-data", contentType: "multipart/form-data; boundary");
        yield return new(F, "no-content-type", c =>
        {
            var content = new ByteArrayContent(Encode(TwineParts(c)));
            content.Headers.ContentType = null;
            return Post(content, c.UnscopedToken);
        }, HostileExpectation.Refused("multipart/form-data"));
    }

    private static IEnumerable<HostileCase> FileParts()
    {
        yield return Changed("duplicated-content-part", p => p.Add(File(p)), "more than one file part");
        yield return Changed("second-content-part-with-other-bytes", p => p.Add(File(p) with { Body = "PK\x05\x06"u8.ToArray() }), "more than one file part");
        yield return Changed("empty-file", p => Replace(p, File(p) with { Body = [] }, digests: true), "not a zipfile");
        yield return Changed("file-part-without-filename", p => Disposition(File(p), "form-data; name=\"content\""), "does not have a file");
        yield return Changed("no-file-part", p => p.Remove(File(p)), "does not have a file");
        yield return Changed("file-part-labelled-as-an-image", p => Header(File(p), "Content-Type", "image/png"), "Invalid distribution file");
        yield return Changed("filename-with-traversal", p => Disposition(File(p), "form-data; name=\"content\"; filename=\"../../evil-1.0-py3-none-any.whl\""), "'/'");
        yield return Changed("encoded-filename-with-traversal", p => Disposition(File(p), "form-data; name=\"content\"; filename*=UTF-8''..%2F..%2Fevil-1.0-py3-none-any.whl"), "'/'");
        yield return Changed("filename-with-a-control-character", p => Disposition(File(p), "form-data; name=\"content\"; filename*=UTF-8''evil%07-1.0-py3-none-any.whl"), "non-printable");
        yield return Changed("file-sent-as-base64", p =>
        {
            var file = File(p);
            file.Headers.Add("Content-Transfer-Encoding: base64");
            Replace(p, file with { Body = Encoding.ASCII.GetBytes(Convert.ToBase64String(file.Body)) }, digests: false);
        }, "digest supplied does not match");
        yield return Changed("boundary-inside-the-file-data", p =>
        {
            var file = File(p);
            Replace(p, file with { Body = [.. file.Body[..100], .. Encoding.ASCII.GetBytes($"\r\n--{Boundary}\r\nGarbage-Without-Disposition: 1\r\n\r\n"), .. file.Body[100..]] }, digests: false);
        }, "Content-Disposition");
    }

    private static IEnumerable<HostileCase> Sizes()
    {
        yield return Changed("field-of-17-mib", p => p.Insert(0, Part.Field("description", new string('d', 17 * 1024 * 1024))), "form fields are too large");
        yield return Changed("fields-over-the-budget-together", p => p.InsertRange(0, Enumerable.Range(0, 3).Select(i => Part.Field("classifiers", new string('e', 6 * 1024 * 1024)))), "form fields are too large");
        yield return Changed("ten-thousand-and-one-empty-fields", p => p.InsertRange(0, Enumerable.Range(0, 10_001).Select(i => Part.Field($"f{i}", ""))), "too many form fields");
        yield return Changed("ten-thousand-and-one-file-parts", p => p.InsertRange(0, Enumerable.Range(0, 10_001).Select(i =>
            new Part([$"Content-Disposition: form-data; name=\"gpg_signature\"; filename=\"s{i}.asc\""], []))), "too many form fields");
    }

    /// <summary>The parts of a valid twine upload of a new project (the file last).</summary>
    private static List<Part> TwineParts(HostileContext c)
    {
        var spec = new TestDistributions.Spec(c.NewProjectName(), "1.0");
        var content = (MultipartFormDataContent)UploadForm.For(spec).ToContent();
        return content.Select(part => new Part(
            [.. part.Headers.Select(h => $"{h.Key}: {string.Join(", ", h.Value)}")],
            part.ReadAsByteArrayAsync().GetAwaiter().GetResult())).ToList();
    }

    /// <summary>The body up to <paramref name="keep"/> bytes into the first occurrence of <paramref name="text"/>.</summary>
    private static byte[] Cut(byte[] body, string text, int keep) =>
        body[..(body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) + keep)];

    private static Part File(List<Part> parts) => parts.Single(p => p.IsFile);

    /// <summary>Replaces the file part; with <paramref name="digests"/> the form's digests describe the new bytes.</summary>
    private static void Replace(List<Part> parts, Part file, bool digests)
    {
        parts[parts.FindIndex(p => p.IsFile)] = file;
        if (!digests) return;
        parts.RemoveAll(p => p.Headers.Any(h => h.Contains("_digest", StringComparison.Ordinal)));
        parts.Insert(0, Part.Field("sha256_digest", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file.Body))));
    }

    /// <summary>Sets (or adds) the header <paramref name="name"/> of <paramref name="part"/>.</summary>
    private static void Header(Part part, string name, string value)
    {
        part.Headers.RemoveAll(h => h.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase));
        part.Headers.Insert(0, $"{name}: {value}");
    }

    private static void Disposition(Part part, string value) => Header(part, "Content-Disposition", value);

    private static byte[] Encode(List<Part> parts) => Encode(parts, close: true, Boundary);

    private static byte[] Encode(List<Part> parts, bool close = true, string boundary = Boundary)
    {
        var body = new MemoryStream();
        foreach (var part in parts)
        {
            body.Write(Encoding.UTF8.GetBytes($"--{boundary}\r\n{string.Concat(part.Headers.Select(h => h + "\r\n"))}\r\n"));
            body.Write(part.Body);
            body.Write("\r\n"u8);
        }
        if (close) body.Write(Encoding.ASCII.GetBytes($"--{boundary}--\r\n"));
        return body.ToArray();
    }
}
