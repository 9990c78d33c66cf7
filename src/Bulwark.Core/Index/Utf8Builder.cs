using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Bulwark.Core.Index;

/// <summary>
/// Appends UTF-8 straight into a growing buffer, with HTML escaping on demand. Pages are rendered once per
/// change, but the root page can list hundreds of thousands of projects, so it avoids a string round trip.
/// </summary>
internal sealed class Utf8Builder(int initialCapacity = 4096)
{
    private readonly ArrayBufferWriter<byte> _buffer = new(initialCapacity);

    public Utf8Builder Append(ReadOnlySpan<byte> utf8)
    {
        _buffer.Write(utf8);
        return this;
    }

    public Utf8Builder Append(ReadOnlySpan<char> text)
    {
        var span = _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _buffer.Advance(Encoding.UTF8.GetBytes(text, span));
        return this;
    }

    public Utf8Builder Append(long value)
    {
        var span = _buffer.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out var written);
        _buffer.Advance(written);
        return this;
    }

    /// <summary>Appends text escaped for both element content and double-quoted attribute values.</summary>
    public Utf8Builder AppendEscaped(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var entity = text[i] switch
            {
                '&' => "&amp;"u8,
                '<' => "&lt;"u8,
                '>' => "&gt;"u8,
                '"' => "&quot;"u8,
                '\'' => "&#x27;"u8,
                _ => default,
            };
            if (entity.IsEmpty) continue;
            if (i > start) Append(text.AsSpan(start, i - start));
            Append(entity);
            start = i + 1;
        }
        if (start < text.Length) Append(text.AsSpan(start));
        return this;
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
