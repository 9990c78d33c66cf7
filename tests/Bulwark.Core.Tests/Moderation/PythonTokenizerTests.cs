using Bulwark.Core.Moderation.Scanning;

namespace Bulwark.Core.Tests.Moderation;

public class PythonTokenizerTests
{
    private static List<PythonToken> Tokens(string source) => PythonTokenizer.Tokenize(source, 100_000, out _);

    [Theory]
    [InlineData("'abc'", "abc")]
    [InlineData("\"a\\x41\\n\"", "aA\n")]
    [InlineData("r'a\\x41'", "a\\x41")]
    [InlineData("b'\\x00\\xff'", "\u0000\u00ff")]
    [InlineData("'''multi\nline'''", "multi\nline")]
    [InlineData("Rb\"raw\\d\"", "raw\\d")]
    [InlineData("f'{x} y'", "{x} y")]
    [InlineData("'\\u00e9\\101'", "\u00e9A")]
    public void Strings_of_every_kind_decode(string literal, string value)
    {
        var token = Assert.Single(Tokens(literal), t => t.Kind == TokenKind.String);
        Assert.Equal(value, PythonTokenizer.ValueOf(literal, token));
    }

    [Fact]
    public void Newlines_inside_brackets_and_continuations_do_not_end_a_statement()
    {
        var tokens = Tokens("os.system(\n  'a',\n)\nx = 1 + \\\n  2\n");
        Assert.Equal(2, tokens.Count(t => t.Kind == TokenKind.EndOfStatement));
    }

    [Fact]
    public void Comments_are_dropped_and_semicolons_split_statements()
    {
        var tokens = Tokens("a = 1  # exec('x')\nb = 2; c = 3\n");
        Assert.DoesNotContain(tokens, t => t.Kind == TokenKind.String);
        Assert.Equal(3, tokens.Count(t => t.Kind == TokenKind.EndOfStatement));
    }

    [Fact]
    public void Indentation_and_line_numbers_are_kept()
    {
        var tokens = Tokens("def f():\n    return 1\n");
        var ret = tokens.First(t => t.Kind == TokenKind.Name && t.Start == "def f():\n    ".Length);
        Assert.Equal(2, ret.Line);
        Assert.Equal(4, ret.Indent);
    }

    [Fact]
    public void Unterminated_string_does_not_swallow_the_file()
    {
        var tokens = Tokens("x = 'open\ny = 2\n");
        Assert.Contains(tokens, t => t.Kind == TokenKind.Name && t.Line == 2);
    }

    [Fact]
    public void Token_cap_is_enforced()
    {
        PythonTokenizer.Tokenize(string.Concat(Enumerable.Repeat("a ", 10_000)), 100, out var truncated);
        Assert.True(truncated);
    }
}
