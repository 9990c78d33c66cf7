using Bulwark.Core.Packaging;
using Bulwark.Tests.Infrastructure;
using static Bulwark.Tests.Hostile.HostileRequests;

namespace Bulwark.Tests.Hostile.Families;

/// <summary>
/// Reads with absurd Range headers and odd paths: multi-range, reversed, negative, overflowing and
/// unsatisfiable ranges on a real file; encoded traversal, NUL, invalid UTF-8 and overlong names on the file,
/// simple and JSON routes. The answers are what HTTP prescribes (a Range that cannot be parsed is ignored, one
/// that cannot be satisfied is 416, unknown paths are 404, non-canonical names redirect), never a server error.
/// </summary>
[HostileFamily]
public static class HttpRangesPathsFamily
{
    private const string F = "http-ranges-paths";

    public static IEnumerable<HostileCase> Cases()
    {
        foreach (var c in Ranges()) yield return c;
        foreach (var c in FilePaths()) yield return c;
        foreach (var c in IndexPaths()) yield return c;
    }

    private static HostileCase Range(string name, string range, params int[] statuses) =>
        new(F, name, c => Get(ExistingFile(c), ("Range", range)), Expect(statuses));

    private static HostileCase Path(string name, Func<HostileContext, string> path, params int[] statuses) =>
        new(F, name, c => Get(path(c)), Expect(statuses));

    /// <summary>The reason phrase of the one status expected names what happened; 200 and 206 need no words.</summary>
    private static HostileExpectation Expect(int[] statuses) => HostileExpectation.Status(statuses.Length == 1 ? statuses[0] switch
    {
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        301 => "Moved Permanently",
        _ => null,
    } : null, statuses);

    private static IEnumerable<HostileCase> Ranges()
    {
        yield return Range("range-past-the-end", "bytes=99999999999-", 416);
        yield return Range("range-starting-at-2-63-minus-1", "bytes=9223372036854775807-", 416);
        yield return Range("range-suffix-of-zero", "bytes=-0", 416);
        yield return Range("range-ending-at-2-63-minus-1", "bytes=0-9223372036854775807", 206);
        yield return Range("range-suffix-of-2-63-minus-1", "bytes=-9223372036854775807", 206);
        yield return Range("range-start-overflowing-64-bits", "bytes=99999999999999999999999-", 200);
        yield return Range("range-end-overflowing-64-bits", "bytes=0-99999999999999999999999", 200);
        yield return Range("range-suffix-overflowing-64-bits", "bytes=-99999999999999999999999", 200);
        yield return Range("range-reversed", "bytes=5-1", 200);
        yield return Range("range-negative-start", "bytes=-1-5", 200);
        yield return Range("range-not-a-number", "bytes=abc-def", 200);
        yield return Range("range-empty", "bytes=", 200);
        yield return Range("range-unknown-unit", "items=0-1", 200, 206);
        yield return Range("range-two-ranges", "bytes=0-1,2-3", 200);
        yield return Range("range-overlapping-ranges", "bytes=0-100,50-150,0-", 200);
        yield return Range("range-ten-thousand-ranges", "bytes=" + string.Join(",", Enumerable.Range(0, 10_000).Select(i => $"{i}-{i}")), 200);
        yield return Range("range-with-whitespace-and-commas", "bytes= , ,0-0, ,", 200, 206);
        yield return new(F, "range-on-head-past-the-end", c =>
        {
            var request = Get(ExistingFile(c), ("Range", "bytes=99999999999-"));
            request.Method = HttpMethod.Head;
            return request;
        }, Expect([416]));
        yield return new(F, "range-on-metadata-past-the-end", c => Get(ExistingFile(c) + ".metadata", ("Range", "bytes=99999999999-")), Expect([416]));
        yield return new(F, "range-with-garbage-if-range", c => Get(ExistingFile(c), ("Range", "bytes=0-0"), ("If-Range", "\"not-the-etag\"")), Expect([200]));
        yield return new(F, "range-with-absurd-if-range-date", c => Get(ExistingFile(c), ("Range", "bytes=0-0"), ("If-Range", "Sat, 01 Jan 9999 00:00:00 GMT")), Expect([200, 206]));
        yield return new(F, "garbage-conditional-headers", c => Get(ExistingFile(c), ("If-None-Match", new string('"', 5000)), ("If-Modified-Since", "yesterday-ish")), Expect([200]));
    }

    private static IEnumerable<HostileCase> FilePaths()
    {
        yield return Path("file-encoded-traversal", _ => "/files/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 404);
        yield return Path("file-encoded-slash-traversal", c => ExistingDirectory(c) + "..%2F..%2F..%2F..%2Fbulwark.db", 404);
        yield return Path("file-backslash-traversal", c => ExistingDirectory(c) + "..%5C..%5Cbulwark.db", 404);
        yield return Path("file-name-with-a-control-character", c => ExistingFile(c) + "%01", 404);
        yield return Path("file-name-with-encoded-nul", c => ExistingFile(c) + "%2500", 404);
        yield return Path("file-metadata-with-escape", c => ExistingFile(c) + ".metadata%1B.txt", 404);
        yield return Path("file-uppercase-hash", c => ExistingFile(c).ToUpperInvariant(), 404);
        yield return Path("file-overlong-name", c => ExistingDirectory(c) + new string('n', 5000) + ".whl", 404);
        yield return Path("file-overlong-hash", _ => "/files/ab/cd/" + new string('e', 5000) + "/x.whl", 404);
        yield return Path("file-all-control-segments", _ => "/files/%01/%02/%03/%04", 404);
        yield return Path("file-invalid-utf8", c => ExistingDirectory(c) + "%C0%AF%FF%FE.whl", 404);
        yield return Path("file-below-the-file", c => ExistingFile(c) + "/../../x", 404);
        yield return Path("file-hash-of-a-known-file-wrong-name", c => ExistingDirectory(c) + "other-1.0-py3-none-any.whl", 404);
        yield return Path("file-temp-directory", _ => "/files/.t/mp/" + new string('0', 60) + "/x.upload", 404);
    }

    private static IEnumerable<HostileCase> IndexPaths()
    {
        yield return Path("simple-control-character", _ => "/simple/%7F/", 404);
        yield return Path("simple-name-with-a-control-character", c => $"/simple/{c.ExistingProject}%01/", 404);
        yield return Path("simple-name-with-control-characters", _ => "/simple/a%01%02%1Bb/", 404);
        yield return Path("simple-overlong-name", _ => $"/simple/{new string('a', 7000)}/", 404);
        yield return Path("simple-encoded-traversal", _ => "/simple/..%2F..%2Fetc%2Fpasswd/", 404);
        yield return Path("simple-overlong-utf8", _ => "/simple/%C0%AF/", 404);
        yield return Path("simple-invalid-utf8", _ => "/simple/%FF%FE%FD/", 404);
        yield return Path("simple-unicode-lookalike", c => $"/simple/{c.ExistingProject.Replace('e', 'е')}/", 404);
        yield return Path("simple-name-with-spaces", _ => "/simple/a%20b%09c/", 404);
        yield return Path("simple-non-canonical-name", c => $"/simple/{c.ExistingProject.ToUpperInvariant().Replace('-', '_')}/", 301);
        yield return Path("simple-without-trailing-slash", c => $"/simple/{c.ExistingProject}", 301);
        // Dot segments are resolved after decoding, as by Kestrel: this is the root listing.
        yield return Path("simple-encoded-dot-segment", c => $"/simple/{c.ExistingProject}/%2e%2e/", 200);
        yield return Path("simple-encoded-dot-segments-above-the-root", _ => "/simple/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 404);
        yield return Path("json-control-character-name", _ => "/pypi/%01/json", 404);
        yield return Path("json-control-character-version", c => $"/pypi/{c.ExistingProject}/%7F/json", 404);
        yield return Path("json-version-with-a-bell", c => $"/pypi/{c.ExistingProject}/1.0%07/json", 404);
        yield return Path("json-version-with-control-characters", c => $"/pypi/{c.ExistingProject}/1.0%1B%5B2J/json", 404);
        yield return Path("json-overlong-version", c => $"/pypi/{c.ExistingProject}/{new string('1', 5000)}/json", 404);
        yield return Path("json-version-traversal", c => $"/pypi/{c.ExistingProject}/..%2F..%2F/json", 404);
        yield return Path("json-invalid-utf8-version", c => $"/pypi/{c.ExistingProject}/%FF%FE/json", 404);
        yield return Path("json-overlong-name", _ => $"/pypi/{new string('b', 7000)}/json", 404);
        yield return Path("json-non-canonical-name", c => $"/pypi/{c.ExistingProject.ToUpperInvariant()}/json", 301);
        // The home page's search: the query and page number come from the URL too.
        yield return Path("search-with-nul", _ => "/?q=hostile%00", 200);
        yield return Path("search-only-nul", _ => "/?q=%00%00", 200);
        yield return Path("search-page-2-31-minus-1", _ => "/?p=2147483647", 200);
        yield return Path("search-term-and-page-2-31-minus-1", _ => "/?q=hostile&p=2147483647", 200);
        yield return Path("search-page-overflowing-int", _ => "/?p=99999999999999999999", 200);
        yield return Path("search-negative-page", _ => "/?p=-2147483648", 200);
        yield return Path("search-overlong-query", _ => "/?q=" + new string('z', 10_000), 200);
    }

    /// <summary>The URL of the wheel the corpus's existing project was created with (its bytes are reproducible).</summary>
    private static string ExistingFile(HostileContext c)
    {
        var spec = new TestDistributions.Spec(c.ExistingProject, "1.0");
        return "/files/" + FileDigests.Compute(TestDistributions.Wheel(spec)).BlobPath(spec.WheelFilename);
    }

    private static string ExistingDirectory(HostileContext c)
    {
        var file = ExistingFile(c);
        return file[..(file.LastIndexOf('/') + 1)];
    }
}
