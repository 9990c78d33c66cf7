using System.IO.Compression;
using System.Text;

namespace Bulwark.Core.Moderation.Scanning;

/// <summary>The decoders <see cref="ConstantFolder"/> applies, on bytes carried as Latin-1 text; null when the input does not decode.</summary>
internal static class Bytes
{
    private const int MaxInflated = 8 * 1024 * 1024;

    public static string ToLatin1(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    public static string EncodeText(string text) => ToLatin1(Encoding.UTF8.GetBytes(text));

    /// <summary><c>bytes.decode(codec)</c>: UTF-8 unless the codec says Latin-1 or ASCII.</summary>
    public static string DecodeText(string latin1, string? codec)
    {
        if (codec is not null && codec.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant() is "latin1" or "iso88591" or "ascii")
        {
            return latin1;
        }

        var raw = new byte[latin1.Length];
        for (var i = 0; i < latin1.Length; i++)
        {
            raw[i] = (byte)latin1[i];
        }

        return Encoding.UTF8.GetString(raw);
    }

    public static string? FromBase64(string text, bool urlSafe)
    {
        var builder = new StringBuilder(text.Length + 4);
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                continue;
            }

            builder.Append(urlSafe ? c switch { '-' => '+', '_' => '/', _ => c } : c);
        }

        while (builder.Length % 4 != 0)
        {
            builder.Append('=');
        }

        var buffer = new byte[builder.Length / 4 * 3 + 3];
        return Convert.TryFromBase64String(builder.ToString(), buffer, out var written) ? ToLatin1(buffer.AsSpan(0, written)) : null;
    }

    public static string? FromBase32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var output = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in text)
        {
            if (c == '=' || char.IsWhiteSpace(c))
            {
                continue;
            }

            var v = alphabet.IndexOf(char.ToUpperInvariant(c));
            if (v < 0)
            {
                return null;
            }

            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }

        return ToLatin1(output.ToArray());
    }

    public static string? FromHex(string text)
    {
        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        try
        {
            return compact.Length % 2 == 0 ? ToLatin1(Convert.FromHexString(compact)) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>zlib or gzip inflation, stopped at <see cref="MaxInflated"/> bytes.</summary>
    public static string? Inflate(string latin1, bool zlib)
    {
        var raw = new byte[latin1.Length];
        for (var i = 0; i < latin1.Length; i++)
        {
            raw[i] = (byte)latin1[i];
        }

        try
        {
            using var input = new MemoryStream(raw);
            using Stream inflater = zlib ? new ZLibStream(input, CompressionMode.Decompress) : new GZipStream(input, CompressionMode.Decompress);
            var output = new byte[MaxInflated];
            var read = inflater.ReadAtLeast(output, output.Length, throwOnEndOfStream: false);
            return ToLatin1(output.AsSpan(0, read));
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary><c>codecs.decode(x, codec)</c> for the codecs obfuscators use.</summary>
    public static string? Codec(string text, string codec) => codec.Replace("-", "_", StringComparison.Ordinal).ToLowerInvariant() switch
    {
        "rot13" or "rot_13" => Rot13(text),
        "hex" or "hex_codec" => FromHex(text),
        "base64" or "base64_codec" => FromBase64(text, urlSafe: false),
        "zlib" or "zlib_codec" => Inflate(text, zlib: true),
        _ => null,
    };

    private static string Rot13(string text) => string.Create(text.Length, text, (span, source) =>
    {
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            span[i] = c switch
            {
                >= 'a' and <= 'z' => (char)('a' + (c - 'a' + 13) % 26),
                >= 'A' and <= 'Z' => (char)('A' + (c - 'A' + 13) % 26),
                _ => c,
            };
        }
    });
}
