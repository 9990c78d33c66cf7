using System.Globalization;
using System.Text;

namespace Bulwark.Core.Moderation.Scanning;

/// <summary>
/// Computes the value of a string expression without running anything: literals and their concatenation,
/// names assigned a constant earlier, <c>chr(101)</c>, <c>'...'[::-1]</c>, <c>''.join([...])</c>,
/// <c>''.join(map(chr, [...]))</c>, <c>bytes.fromhex</c>, <c>bytes([...])</c>, <c>.decode()</c>, <c>.replace</c>,
/// and the decoders obfuscated payloads use (base64, base32, hex, zlib, gzip, rot13). This is how the scanner
/// reads <c>getattr(__builtins__, 'ex'+'ec')</c> and the payload inside <c>exec(zlib.decompress(b64decode(...)))</c>.
/// Bytes are carried as Latin-1 text. Every value is capped in size, so a crafted expression cannot blow up.
/// </summary>
internal sealed class ConstantFolder(CodeModel model)
{
    private const int MaxValueLength = 8 * 1024 * 1024;
    private const int MaxDepth = 64;
    private int _depth;

    /// <summary>Whether the last fold computed something (an operation, not a plain literal).</summary>
    public bool Computed { get; private set; }

    /// <summary>The value of the tokens [<paramref name="start"/>, <paramref name="end"/>) if they are one constant expression.</summary>
    public string? Fold(int start, int end)
    {
        Computed = false;
        var i = start;
        var value = Expression(ref i, end);
        return value is not null && i == end ? value.Value.Text : null;
    }

    private readonly record struct Value(string Text, bool Bytes);

    private List<PythonToken> Tokens => model.Tokens;

    private bool Is(int i, int end, string text) => i < end && Tokens[i].Is(model.Source, text);

    private Value? Expression(ref int i, int end)
    {
        if (++_depth > MaxDepth)
        {
            return null;
        }

        try
        {
            var left = Term(ref i, end);
            while (left is not null && Is(i, end, "+"))
            {
                i++;
                var right = Term(ref i, end);
                if (right is null || left.Value.Text.Length + right.Value.Text.Length > MaxValueLength)
                {
                    return null;
                }

                Computed = true;
                left = new Value(left.Value.Text + right.Value.Text, left.Value.Bytes);
            }

            return left;
        }
        finally
        {
            _depth--;
        }
    }

    private Value? Term(ref int i, int end)
    {
        var value = Primary(ref i, end);
        while (value is { } v && i < end)
        {
            if (model.IsReverseSlice(i, end))
            {
                var chars = v.Text.ToCharArray();
                Array.Reverse(chars);
                value = new Value(new string(chars), v.Bytes);
                Computed = true;
                i += 6;
                continue;
            }

            if (!Is(i, end, ".") || i + 2 >= end || Tokens[i + 1].Kind != TokenKind.Name || !Is(i + 2, end, "("))
            {
                break;
            }

            var method = model.Text(i + 1);
            var close = model.MatchingClose(i + 2, end);
            if (close >= end)
            {
                return null;
            }

            var args = Arguments(i + 3, close);
            value = Method(v, method, args);
            Computed = true;
            i = close + 1;
        }

        return value;
    }

    private static Value? Method(Value v, string method, List<Value?> args) => method switch
    {
        "decode" => new Value(Bytes.DecodeText(v.Text, args.Count > 0 ? args[0]?.Text : null), false),
        "encode" => new Value(Bytes.EncodeText(v.Text), true),
        "replace" when args is [{ } a, { } b] && a.Text.Length > 0 && v.Text.Length < MaxValueLength / 2 => new Value(v.Text.Replace(a.Text, b.Text, StringComparison.Ordinal), v.Bytes),
        "join" when args is [{ } list] => new Value(string.Join(v.Text, list.Text.Split('\u0000')), v.Bytes),
        "lower" => new Value(v.Text.ToLowerInvariant(), v.Bytes),
        "upper" => new Value(v.Text.ToUpperInvariant(), v.Bytes),
        "strip" when args.Count == 0 => new Value(v.Text.Trim(), v.Bytes),
        _ => null,
    };

    private List<Value?> Arguments(int start, int close)
    {
        var args = new List<Value?>();
        var i = start;
        while (i < close)
        {
            var argStart = i;
            var depth = 0;
            while (i < close && !(depth == 0 && Is(i, close, ",")))
            {
                var token = Tokens[i];
                if (token.Kind == TokenKind.Op && token.Length == 1)
                {
                    depth += model.Source[token.Start] switch { '(' or '[' or '{' => 1, ')' or ']' or '}' => -1, _ => 0 };
                }

                i++;
            }

            var j = argStart;
            var value = ListOrExpression(ref j, i);
            args.Add(j == i ? value : null);
            i++;
        }

        return args;
    }

    /// <summary>A list or tuple of constants (joined with NUL, for <c>join</c>), <c>map(chr, [...])</c>, or an expression.</summary>
    private Value? ListOrExpression(ref int i, int end)
    {
        if (Is(i, end, "[") || (Is(i, end, "(") && model.MatchingClose(i, end) == end - 1))
        {
            var close = model.MatchingClose(i, end);
            var items = Arguments(i + 1, close);
            if (items.Any(x => x is null))
            {
                return null;
            }

            i = close + 1;
            return new Value(string.Join('\u0000', items.Select(x => x!.Value.Text)), false);
        }

        if (Is(i, end, "map") && Is(i + 1, end, "(") && Is(i + 2, end, "chr") && Is(i + 3, end, ","))
        {
            var close = model.MatchingClose(i + 1, end);
            var j = i + 4;
            if (Numbers(ref j, close) is { } codes && j == close)
            {
                i = close + 1;
                Computed = true;
                return new Value(string.Join('\u0000', codes.Select(c => ((char)c).ToString())), false);
            }

            return null;
        }

        return Expression(ref i, end);
    }

    private List<int>? Numbers(ref int i, int end)
    {
        if (!Is(i, end, "[") && !Is(i, end, "("))
        {
            return null;
        }

        var close = model.MatchingClose(i, end);
        var numbers = new List<int>();
        for (var j = i + 1; j < close; j++)
        {
            if (Tokens[j].Kind == TokenKind.Number && TryNumber(model.Text(j), out var n) && n is >= 0 and <= 0x10FFFF)
            {
                numbers.Add(n);
            }
            else if (!Is(j, close, ","))
            {
                return null;
            }
        }

        i = close + 1;
        return numbers;
    }

    private static bool TryNumber(string text, out int value) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? int.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value)
            : int.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private Value? Primary(ref int i, int end)
    {
        if (i >= end)
        {
            return null;
        }

        var token = Tokens[i];
        if (token.Kind == TokenKind.String)
        {
            // Adjacent literals concatenate: 'ex' 'ec'. f-strings are constant only without replacement fields.
            var builder = new StringBuilder();
            var bytes = token.Flags.HasFlag(StringFlags.Bytes);
            var count = 0;
            while (i < end && Tokens[i].Kind == TokenKind.String)
            {
                var text = model.StringSpan(i);
                if (Tokens[i].Flags.HasFlag(StringFlags.Formatted) && text.Contains('{'))
                {
                    return null;
                }

                builder.Append(text);
                i++;
                count++;
            }

            Computed |= count > 1;
            return builder.Length > MaxValueLength ? null : new Value(builder.ToString(), bytes);
        }

        if (token.Is(model.Source, "("))
        {
            var close = model.MatchingClose(i, end);
            var j = i + 1;
            var inner = Expression(ref j, close);
            if (inner is null || j != close)
            {
                return null;
            }

            i = close + 1;
            return inner;
        }

        if (token.Kind != TokenKind.Name)
        {
            return null;
        }

        var start = i;
        var reference = model.ResolveReference(ref i, end);
        if (reference is null)
        {
            return null;
        }

        if (i >= end || !Is(i, end, "("))
        {
            // A plain name: its constant value, if it was assigned one (a dotted name has none).
            return i == start + 1 && model.ConstantOf(model.Text(start)) is { } constant ? new Value(constant, false) : null;
        }

        var close2 = model.MatchingClose(i, end);
        if (close2 >= end)
        {
            return null;
        }

        var callStart = i + 1;
        i = close2 + 1;
        Computed = true;
        if (reference == "builtins.chr")
        {
            var j = callStart;
            return Tokens[j].Kind == TokenKind.Number && j + 1 == close2 && TryNumber(model.Text(j), out var code) && code is >= 0 and <= 0x10FFFF
                ? new Value(char.ConvertFromUtf32(code is >= 0xD800 and <= 0xDFFF ? 0xFFFD : code), false) : null;
        }

        if (reference is "builtins.bytes" or "builtins.bytearray")
        {
            var j = callStart;
            return Numbers(ref j, close2) is { } values && j == close2 && values.All(v => v < 256)
                ? new Value(new string(values.Select(v => (char)v).ToArray()), true) : null;
        }

        var args = Arguments(callStart, close2);
        var input = args.Count > 0 ? args[0] : null;
        if (input is null)
        {
            return null;
        }

        var decoded = reference switch
        {
            "base64.b64decode" or "base64.standard_b64decode" or "base64.decodebytes" or "base64.decodestring"
                or "binascii.a2b_base64" => Bytes.FromBase64(input.Value.Text, urlSafe: false),
            "base64.urlsafe_b64decode" => Bytes.FromBase64(input.Value.Text, urlSafe: true),
            "base64.b32decode" => Bytes.FromBase32(input.Value.Text),
            "base64.b16decode" or "binascii.unhexlify" or "binascii.a2b_hex" or "bytes.fromhex" or "bytearray.fromhex" => Bytes.FromHex(input.Value.Text),
            "zlib.decompress" => Bytes.Inflate(input.Value.Text, zlib: true),
            "gzip.decompress" => Bytes.Inflate(input.Value.Text, zlib: false),
            "codecs.decode" when args.Count > 1 && args[1] is { } codec => Bytes.Codec(input.Value.Text, codec.Text),
            "builtins.str" => input.Value.Text,
            _ => null,
        };
        return decoded is null ? null : new Value(decoded, reference != "builtins.str" && !reference.StartsWith("codecs", StringComparison.Ordinal));
    }
}
