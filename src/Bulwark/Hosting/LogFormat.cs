using System.Text.Json;

namespace Bulwark.Hosting;

/// <summary>How the server writes its log to the console (<c>Bulwark:Logging:Format</c>).</summary>
public enum LogFormat
{
    /// <summary>ASP.NET Core's plain text, for people.</summary>
    Text,
    /// <summary>One JSON object per line (timestamp in UTC, level, category, message, state, scopes), for log collectors.</summary>
    Json,
}

internal static class LogFormatting
{
    public const string Key = "Bulwark:Logging:Format";

    public static ILoggingBuilder AddBulwarkLogFormat(this ILoggingBuilder logging, IConfiguration configuration)
    {
        if (configuration.GetValue(Key, LogFormat.Text) != LogFormat.Json) return logging;
        return logging.AddJsonConsole(o =>
        {
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            o.IncludeScopes = true;
            o.JsonWriterOptions = new JsonWriterOptions { Indented = false };
        });
    }
}
