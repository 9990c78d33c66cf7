namespace Bulwark.Core.Moderation.Scanning;

/// <summary>The kinds of token the scanner's Python tokenizer produces.</summary>
internal enum TokenKind : byte
{
    /// <summary>An identifier or keyword.</summary>
    Name,

    /// <summary>A numeric literal.</summary>
    Number,

    /// <summary>A string or bytes literal (any prefix, any quoting); <see cref="PythonTokenizer.ValueOf"/> gives its decoded text.</summary>
    String,

    /// <summary>An operator or delimiter.</summary>
    Op,

    /// <summary>The end of a logical line (a newline outside brackets, or a semicolon).</summary>
    EndOfStatement,
}

/// <summary>
/// One token. <see cref="Start"/> and <see cref="Length"/> locate it in the source text; <see cref="Line"/> is
/// 1-based; <see cref="Indent"/> is the indentation of the logical line the token belongs to.
/// </summary>
internal readonly record struct PythonToken(TokenKind Kind, int Start, int Length, int Line, int Indent, string? Value = null, StringFlags Flags = StringFlags.None)
{
    /// <summary>Whether this is the operator or name <paramref name="text"/> in <paramref name="source"/>.</summary>
    public bool Is(string source, string text) =>
        Kind is TokenKind.Op or TokenKind.Name && Length == text.Length && string.CompareOrdinal(source, Start, text, 0, Length) == 0;
}

/// <summary>What the prefix and quoting of a string literal said.</summary>
[Flags]
internal enum StringFlags : byte
{
    None = 0,
    Bytes = 1,
    Raw = 2,
    Formatted = 4,
    Triple = 8,
}
