using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Bulwark.Core.Packaging.Metadata;

/// <summary>
/// Reads the email-header format of METADATA / PKG-INFO: <c>Name: value</c> lines, continuation lines that
/// start with a space or tab, a blank line, then the body (the description, Metadata 2.1+).
/// </summary>
/// <remarks>
/// The parser is strict where leniency would let two readers disagree: bytes must be valid UTF-8, NUL is
/// refused, and a header-section line that is neither a header nor a continuation is an error (Python's email
/// parser would silently start the body there, turning the rest of the headers into description text).
/// </remarks>
internal static class CoreMetadataParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool TryParse(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out CoreMetadata? metadata, [NotNullWhen(false)] out string? error)
    {
        metadata = null;
        string text;
        try
        {
            text = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException ex)
        {
            error = $"Metadata is not valid UTF-8 (invalid byte sequence at offset {ex.Index}).";
            return false;
        }

        return TryParse(text, out metadata, out error);
    }

    public static bool TryParse(string text, [NotNullWhen(true)] out CoreMetadata? metadata, [NotNullWhen(false)] out string? error)
    {
        metadata = null;
        if (text.Contains('\0'))
        {
            error = "Metadata contains a NUL character.";
            return false;
        }

        // Universal newlines, as Python's email parser reads them.
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

        var builder = new CoreMetadataBuilder();
        string? currentName = null;
        StringBuilder? currentValue = null;
        var position = 0;
        var lineNumber = 0;
        var headers = 0;
        string? body = null;

        while (position <= text.Length)
        {
            var end = text.IndexOf('\n', position);
            var atEof = end < 0;
            var line = atEof ? text[position..] : text[position..end];
            lineNumber++;
            position = atEof ? text.Length + 1 : end + 1;

            if (line.Length == 0)
            {
                if (atEof)
                {
                    break;
                }

                body = position <= text.Length ? text[position..] : "";
                break;
            }

            if (line[0] is ' ' or '\t')
            {
                if (currentValue is null)
                {
                    error = $"Metadata line {lineNumber} is a continuation line with no header before it.";
                    return false;
                }

                currentValue.Append('\n').Append(line);
                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0 || !IsValidHeaderName(line.AsSpan(0, colon)))
            {
                error = $"Metadata line {lineNumber} is not a valid header: {PyRepr.Str(Truncate(line))}.";
                return false;
            }

            if (++headers > MetadataLimits.MaxHeaders)
            {
                error = $"Metadata has more than {MetadataLimits.MaxHeaders} headers.";
                return false;
            }

            Flush(builder, currentName, currentValue);
            currentName = line[..colon];
            currentValue = new StringBuilder(line[(colon + 1)..].TrimStart(' ', '\t'));
        }

        Flush(builder, currentName, currentValue);
        metadata = builder.Build(body);
        error = null;
        return true;
    }

    private static void Flush(CoreMetadataBuilder builder, string? name, StringBuilder? value)
    {
        if (name is null || value is null)
        {
            return;
        }

        var field = CoreMetadataField.FromHeader(name);
        if (field is null)
        {
            builder.AddUnknown(name);
            return;
        }

        builder.Add(field, value.ToString());
    }

    /// <summary>RFC 5322 field names: printable ASCII except the colon.</summary>
    private static bool IsValidHeaderName(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (c < 0x21 || c > 0x7E)
            {
                return false;
            }
        }

        return true;
    }

    private static string Truncate(string line) => line.Length > 60 ? line[..60] + "..." : line;
}
