using System.Globalization;
using System.Text.Json;
using Bulwark.Core.Packaging;

namespace Bulwark.Core.Index;

/// <summary>Small formatting rules shared by the index renderers.</summary>
public static class IndexFormatting
{
    /// <summary>
    /// ISO 8601 in UTC with a <c>Z</c>, the way Warehouse prints <c>upload-time</c>: Python's
    /// <c>isoformat()</c>, which shows microseconds only when they are not zero. Sub-microsecond ticks are
    /// dropped so that SQLite (ticks) and PostgreSQL (microseconds) render the same text.
    /// </summary>
    public static string IsoUtc(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        var micros = utc.Ticks % TimeSpan.TicksPerSecond / 10;
        var seconds = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return micros == 0 ? seconds + "Z" : $"{seconds}.{micros:D6}Z";
    }

    /// <summary>Seconds precision without a zone, the legacy JSON API's <c>upload_time</c>.</summary>
    public static string LegacyUtc(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>
    /// The URL path of a stored file below the site root: <c>files/</c> + the blob path, filename escaped.
    /// Blob paths are <c>hh/hh/rest/filename</c> with hex directories, so only the filename needs escaping.
    /// </summary>
    public static string FilePath(string blobPath)
    {
        var slash = blobPath.LastIndexOf('/');
        return "files/" + blobPath[..(slash + 1)] + Uri.EscapeDataString(blobPath[(slash + 1)..]);
    }

    /// <summary>
    /// A file's metadata link in a simple JSON page (local or proxied): the PEP 714 key and its PEP 658
    /// predecessor, each <c>{"sha256": ...}</c>, or <c>false</c> (not absent) when there is no metadata file, as
    /// Warehouse sends; pip before 23.3 knows only the older key.
    /// </summary>
    public static void WriteSimpleMetadata(Utf8JsonWriter w, string? sha256)
    {
        WriteMetadataValue(w, "core-metadata"u8, sha256);
        WriteMetadataValue(w, "data-dist-info-metadata"u8, sha256);
    }

    /// <summary>The legacy JSON API's <c>core-metadata</c> of a file: <c>{"sha256": ...}</c> or <c>false</c>.</summary>
    public static void WriteJsonApiMetadata(Utf8JsonWriter w, string? sha256) => WriteMetadataValue(w, "core-metadata"u8, sha256);

    /// <summary>The same link in a simple HTML page: both attributes, or nothing when there is no metadata file.</summary>
    internal static void AppendMetadataAttributes(Utf8Builder b, string? sha256)
    {
        if (sha256 is null) return;
        b.Append(" data-dist-info-metadata=\"sha256="u8).Append(sha256).Append("\""u8);
        b.Append(" data-core-metadata=\"sha256="u8).Append(sha256).Append("\""u8);
    }

    private static void WriteMetadataValue(Utf8JsonWriter w, ReadOnlySpan<byte> key, string? sha256)
    {
        if (sha256 is null)
        {
            w.WriteBoolean(key, false);
            return;
        }
        w.WriteStartObject(key);
        w.WriteString("sha256"u8, sha256);
        w.WriteEndObject();
    }

    /// <summary>Sorts items by PEP 440 order of a version string; unparsable versions sort first, by text.</summary>
    public static List<T> SortByVersion<T>(IEnumerable<T> items, Func<T, string> version, Func<T, string>? thenBy = null)
    {
        var keyed = items.Select(i => (Item: i, Key: new VersionKey(version(i)))).ToList();
        keyed.Sort((a, b) =>
        {
            var c = a.Key.CompareTo(b.Key);
            return c != 0 || thenBy is null ? c : string.CompareOrdinal(thenBy(a.Item), thenBy(b.Item));
        });
        return keyed.ConvertAll(k => k.Item);
    }

    /// <summary>A version string with its parse done once, for sorting.</summary>
    public readonly struct VersionKey : IComparable<VersionKey>
    {
        private readonly string _text;
        private readonly Pep440Version? _parsed;

        public VersionKey(string text)
        {
            _text = text;
            _parsed = Pep440Version.TryParse(text, out var v) ? v : null;
        }

        public int CompareTo(VersionKey other)
        {
            // Like packaging's legacy versions: anything unparsable sorts before every valid version.
            if (_parsed is null || other._parsed is null)
            {
                if (_parsed is null && other._parsed is null) return string.CompareOrdinal(_text, other._text);
                return _parsed is null ? -1 : 1;
            }
            var c = _parsed.CompareTo(other._parsed);
            return c != 0 ? c : string.CompareOrdinal(_text, other._text);
        }
    }
}
