using System.Collections.Concurrent;
using System.Globalization;

namespace Bulwark.Core.Index;

/// <summary>
/// Picks the simple-API media type for an <c>Accept</c> header, as PEP 691 and Warehouse do: every offer gets
/// the q-value of the most specific media range that matches it; the highest q wins; ties go to the server's
/// order (text/html, v1+html, v1+json). No header, an unparsable header or no acceptable offer all give HTML,
/// never 406, so that old clients and browsers keep working.
/// </summary>
public static class SimpleContentNegotiation
{
    private static readonly string[] Offers = [SimpleApi.TextHtml, SimpleApi.V1Html, SimpleApi.V1Json];

    // Clients send the same few headers over and over (every pip sends one fixed string), so remember
    // answers; the bound keeps hostile headers from growing the table.
    private const int MemoLimit = 256;
    private static readonly ConcurrentDictionary<string, string> Memo = new(StringComparer.Ordinal);

    /// <summary>The media type to respond with; always one of the three offers.</summary>
    public static string Select(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept)) return SimpleApi.TextHtml;
        if (Memo.TryGetValue(accept, out var known)) return known;
        var chosen = Compute(accept);
        if (Memo.Count < MemoLimit) Memo.TryAdd(accept, chosen);
        return chosen;
    }

    /// <summary>The format a media type returned by <see cref="Select"/> is rendered in.</summary>
    public static SimpleFormat FormatOf(string mediaType) =>
        ReferenceEquals(mediaType, SimpleApi.V1Json) || mediaType == SimpleApi.V1Json ? SimpleFormat.Json : SimpleFormat.Html;

    private static string Compute(string accept)
    {
        Span<double> quality = stackalloc double[Offers.Length];
        Span<int> specificity = stackalloc int[Offers.Length];
        specificity.Clear();

        foreach (var rangeText in accept.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryParseRange(rangeText, out var type, out var subtype, out var q)) continue;
            for (var i = 0; i < Offers.Length; i++)
            {
                var s = Specificity(Offers[i], type, subtype);
                // The most specific range decides; among equally specific ranges the first one does.
                if (s > specificity[i])
                {
                    specificity[i] = s;
                    quality[i] = q;
                }
            }
        }

        var best = -1;
        for (var i = 0; i < Offers.Length; i++)
        {
            if (specificity[i] == 0 || quality[i] <= 0) continue;
            if (best < 0 || quality[i] > quality[best]) best = i;
        }
        return best < 0 ? SimpleApi.TextHtml : Offers[best];
    }

    private static int Specificity(string offer, string type, string subtype)
    {
        var slash = offer.IndexOf('/');
        var offerType = offer.AsSpan(0, slash);
        var offerSubtype = offer.AsSpan(slash + 1);
        if (type == "*") return subtype == "*" ? 1 : 0;
        if (!offerType.Equals(type, StringComparison.OrdinalIgnoreCase)) return 0;
        if (subtype == "*") return 2;
        return offerSubtype.Equals(subtype, StringComparison.OrdinalIgnoreCase) ? 3 : 0;
    }

    private static bool TryParseRange(string text, out string type, out string subtype, out double q)
    {
        type = subtype = "";
        q = 1;
        var parts = text.Split(';', StringSplitOptions.TrimEntries);
        var slash = parts[0].IndexOf('/');
        if (slash <= 0 || slash == parts[0].Length - 1) return false;
        type = parts[0][..slash].Trim();
        subtype = parts[0][(slash + 1)..].Trim();
        if (type.Length == 0 || subtype.Length == 0 || (type == "*" && subtype != "*")) return false;
        for (var i = 1; i < parts.Length; i++)
        {
            var eq = parts[i].IndexOf('=');
            if (eq <= 0 || !parts[i].AsSpan(0, eq).Trim().Equals("q", StringComparison.OrdinalIgnoreCase)) continue;
            if (!double.TryParse(parts[i].AsSpan(eq + 1).Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out q) || q < 0 || q > 1)
            {
                return false;
            }
        }
        return true;
    }
}
