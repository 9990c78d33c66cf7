using Bulwark.Core.Packaging;

namespace Bulwark.Core.Tests.Packaging;

public class PythonTextTests
{
    [Theory]
    [InlineData("abc", "'abc'")]
    [InlineData("", "''")]
    [InlineData("it's", "\"it's\"")]
    [InlineData("say \"hi\"", "'say \"hi\"'")]
    [InlineData("a'\"b", "'a\\'\"b'")]
    [InlineData("a\\b", "'a\\\\b'")]
    [InlineData("a\nb\tc\r", "'a\\nb\\tc\\r'")]
    [InlineData("\x01\x7f", "'\\x01\\x7f'")]
    [InlineData("café", "'café'")]
    public void Repr_quotes_as_Python_does(string value, string expected) => Assert.Equal(expected, PythonText.Repr(value));

    [Theory]
    [InlineData(" \t1.0\r\n", "1.0")]
    [InlineData("\u001c1.0\u001f", "1.0")]
    [InlineData("\u00a01.0\u2003", "1.0")]
    [InlineData("1.0", "1.0")]
    [InlineData("   ", "")]
    public void Trim_strips_Python_white_space(string value, string expected) =>
        Assert.Equal(expected, PythonText.Trim(value).ToString());
}
