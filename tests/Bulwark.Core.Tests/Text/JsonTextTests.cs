using System.Text;
using System.Text.Json;
using Bulwark.Core.Text;

namespace Bulwark.Core.Tests.Text;

public sealed class JsonTextTests
{
    [Theory]
    [InlineData("{\"v\": \"plain é 😀\"}", JsonTextProblem.None)]
    [InlineData("{\"v\": \"\\ud83d\\ude00\"}", JsonTextProblem.None)]
    [InlineData("{\"v\": \"\\ud800\"}", JsonTextProblem.NotUnicode)]
    [InlineData("{\"v\": \"a\\udc00\"}", JsonTextProblem.NotUnicode)]
    [InlineData("{\"v\": \"\\udc00\\ud800\"}", JsonTextProblem.NotUnicode)]
    [InlineData("{\"v\": \"a\\u0000b\"}", JsonTextProblem.Nul)]
    [InlineData("{\"v\": 5}", JsonTextProblem.NotAString)]
    [InlineData("{\"v\": null}", JsonTextProblem.Absent)]
    [InlineData("{}", JsonTextProblem.Absent)]
    public void Strings_that_are_not_text_are_named_not_thrown(string json, JsonTextProblem expected)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(expected, JsonText.TryGetProperty(doc.RootElement, "v", out var text));
        Assert.Equal(expected == JsonTextProblem.None, text is not null);
    }

    [Fact]
    public void Invalid_utf8_inside_a_string_is_not_unicode()
    {
        // JsonDocument.Parse accepts these bytes; GetString threw InvalidOperationException on them.
        byte[] json = [.. Encoding.ASCII.GetBytes("{\"v\": \"a"), 0xC0, 0xAF, 0xFF, .. Encoding.ASCII.GetBytes("\"}")];
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(JsonTextProblem.NotUnicode, JsonText.TryGetProperty(doc.RootElement, "v", out _));
        Assert.Null(JsonText.StringOrNull(doc.RootElement, "v"));
        Assert.Contains("'v' is not valid Unicode", JsonText.Describe(JsonTextProblem.NotUnicode, "v"), StringComparison.Ordinal);
    }
}
