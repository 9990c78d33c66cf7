using System.Globalization;
using System.Net;
using System.Text;
using Bulwark.Core.Policies;

namespace Bulwark.Rendering;

/// <summary>
/// Charts for the admin dashboard, drawn on the server as inline SVG: no script, no inline style (colours
/// come from classes in site.css), so they render under the site's CSP and without JavaScript. Every text is
/// HTML-encoded (project names are user-chosen). Each chart has a title and a description for screen readers;
/// the page shows the same figures as text next to it.
/// </summary>
public static class SvgCharts
{
    private static string N(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
    private static string E(string s) => WebUtility.HtmlEncode(s);

    /// <summary>Horizontal bars of percentages, grouped (each group: a label and its bars).</summary>
    public static string PercentBars(string id, string title, IReadOnlyList<(string Group, IReadOnlyList<(string Label, string Css, double Percent, string Detail)> Bars)> groups)
    {
        const int width = 560, labelWidth = 170, barHeight = 18, gap = 6, groupGap = 16, plot = width - labelWidth - 60;
        var height = groups.Sum(g => 20 + g.Bars.Count * (barHeight + gap) + groupGap) + 10;
        var sb = Open(id, title, width, height);
        var y = 4.0;
        foreach (var (group, bars) in groups)
        {
            sb.Append($"<text x=\"0\" y=\"{N(y + 14)}\" font-weight=\"600\">{E(group)}</text>");
            y += 20;
            foreach (var (label, css, percent, detail) in bars)
            {
                var w = Math.Max(0, Math.Min(100, percent)) / 100 * plot;
                sb.Append($"<text x=\"8\" y=\"{N(y + 13)}\">{E(label)}</text>");
                sb.Append($"<rect x=\"{labelWidth}\" y=\"{N(y)}\" width=\"{N(plot)}\" height=\"{barHeight}\" fill=\"#eef1f4\"/>");
                sb.Append($"<rect class=\"{css}\" x=\"{labelWidth}\" y=\"{N(y)}\" width=\"{N(w)}\" height=\"{barHeight}\"><title>{E(detail)}</title></rect>");
                sb.Append($"<text x=\"{N(labelWidth + plot + 6)}\" y=\"{N(y + 13)}\">{N(Math.Round(percent, 1))} %</text>");
                y += barHeight + gap;
            }
            y += groupGap;
        }
        return Close(sb);
    }

    /// <summary>One stacked bar splitting a whole into parts, with a legend.</summary>
    public static string Stacked(string id, string title, IReadOnlyList<(string Label, string Css, int Value)> parts)
    {
        const int width = 560, barY = 10, barHeight = 26, plot = 540;
        var total = parts.Sum(p => p.Value);
        var height = barY + barHeight + 14 + parts.Count * 20;
        var sb = Open(id, title, width, height);
        var x = 0.0;
        if (total == 0)
        {
            sb.Append($"<rect x=\"0\" y=\"{barY}\" width=\"{plot}\" height=\"{barHeight}\" fill=\"#eef1f4\"/>");
        }
        foreach (var (label, css, value) in parts)
        {
            if (total == 0 || value == 0) continue;
            var w = (double)value / total * plot;
            sb.Append($"<rect class=\"{css}\" x=\"{N(x)}\" y=\"{barY}\" width=\"{N(w)}\" height=\"{barHeight}\"><title>{E(label)}: {value}</title></rect>");
            x += w;
        }
        var y = barY + barHeight + 14.0;
        foreach (var (label, css, value) in parts)
        {
            sb.Append($"<rect class=\"{css}\" x=\"0\" y=\"{N(y)}\" width=\"12\" height=\"12\"/>");
            sb.Append($"<text x=\"18\" y=\"{N(y + 11)}\">{E(label)}: {value}</text>");
            y += 20;
        }
        return Close(sb);
    }

    /// <summary>Daily downloads of the top projects as lines over the window, with a legend.</summary>
    public static string DownloadLines(string id, string title, DownloadWindow window, IReadOnlyList<DownloadSeries> series)
    {
        const int width = 640, left = 56, right = 10, top = 10, plotHeight = 200, bottom = 34;
        var legendHeight = series.Count * 18 + 6;
        var height = top + plotHeight + bottom + legendHeight;
        var plotWidth = width - left - right;
        var max = Math.Max(1, series.SelectMany(s => s.Daily).DefaultIfEmpty(0).Max());
        var days = window.Days;
        var sb = Open(id, title, width, height);
        sb.Append($"<line class=\"axis\" x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{top + plotHeight}\"/>");
        sb.Append($"<line class=\"axis\" x1=\"{left}\" y1=\"{top + plotHeight}\" x2=\"{left + plotWidth}\" y2=\"{top + plotHeight}\"/>");
        sb.Append($"<text x=\"{left - 6}\" y=\"{top + 10}\" text-anchor=\"end\">{max.ToString("N0", CultureInfo.InvariantCulture)}</text>");
        sb.Append($"<text x=\"{left - 6}\" y=\"{top + plotHeight}\" text-anchor=\"end\">0</text>");
        sb.Append($"<text x=\"{left}\" y=\"{top + plotHeight + 16}\">{window.From:yyyy-MM-dd}</text>");
        sb.Append($"<text x=\"{left + plotWidth}\" y=\"{top + plotHeight + 16}\" text-anchor=\"end\">{window.To.AddDays(-1):yyyy-MM-dd}</text>");
        if (series.Count == 0)
        {
            sb.Append($"<text x=\"{left + 10}\" y=\"{top + plotHeight / 2}\">No downloads in the window.</text>");
        }
        for (var i = 0; i < series.Count; i++)
        {
            var points = new StringBuilder();
            for (var d = 0; d < days; d++)
            {
                var px = left + (days == 1 ? plotWidth / 2.0 : (double)d / (days - 1) * plotWidth);
                var py = top + plotHeight - (double)series[i].Daily[d] / max * plotHeight;
                points.Append(N(px)).Append(',').Append(N(py)).Append(' ');
            }
            sb.Append($"<polyline class=\"series series-{i}\" points=\"{points.ToString().TrimEnd()}\"><title>{E(series[i].Project)}</title></polyline>");
        }
        var ly = top + plotHeight + bottom + 0.0;
        for (var i = 0; i < series.Count; i++)
        {
            sb.Append($"<line class=\"series series-{i}\" x1=\"{left}\" y1=\"{N(ly + 6)}\" x2=\"{left + 18}\" y2=\"{N(ly + 6)}\"/>");
            sb.Append($"<text x=\"{left + 24}\" y=\"{N(ly + 10)}\">{E(series[i].Project)}: {series[i].Total.ToString("N0", CultureInfo.InvariantCulture)}</text>");
            ly += 18;
        }
        return Close(sb);
    }

    private static StringBuilder Open(string id, string title, int width, int height)
    {
        var sb = new StringBuilder();
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"{E(id)}\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"{E(id)}-title\">");
        sb.Append($"<title id=\"{E(id)}-title\">{E(title)}</title>");
        return sb;
    }

    private static string Close(StringBuilder sb) => sb.Append("</svg>").ToString();
}
