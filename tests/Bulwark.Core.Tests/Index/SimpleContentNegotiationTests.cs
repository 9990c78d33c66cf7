using Bulwark.Core.Index;

namespace Bulwark.Core.Tests.Index;

public class SimpleContentNegotiationTests
{
    [Theory]
    [InlineData("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01", SimpleApi.V1Json)]
    [InlineData("text/html", SimpleApi.TextHtml)]
    [InlineData("TEXT/HTML", SimpleApi.TextHtml)]
    [InlineData("application/vnd.pypi.simple.v1+html", SimpleApi.V1Html)]
    [InlineData("application/vnd.pypi.simple.v1+json", SimpleApi.V1Json)]
    [InlineData("*/*", SimpleApi.TextHtml)]
    [InlineData(null, SimpleApi.TextHtml)]
    [InlineData("", SimpleApi.TextHtml)]
    [InlineData("image/png", SimpleApi.TextHtml)]
    [InlineData("garbage", SimpleApi.TextHtml)]
    [InlineData("text/html;q=abc", SimpleApi.TextHtml)]
    [InlineData("application/*", SimpleApi.V1Html)]
    [InlineData("application/*;q=0.5, application/vnd.pypi.simple.v1+json", SimpleApi.V1Json)]
    [InlineData("application/vnd.pypi.simple.v1+json;q=0.5, text/html;q=0.6", SimpleApi.TextHtml)]
    [InlineData("text/html;q=0.5, application/vnd.pypi.simple.v1+json;q=0.5", SimpleApi.TextHtml)]
    [InlineData("text/html;q=0, */*;q=0.1", SimpleApi.V1Html)]
    [InlineData("*/*;q=0.1, application/vnd.pypi.simple.v1+json", SimpleApi.V1Json)]
    [InlineData("application/vnd.pypi.simple.v1+json;q=0", SimpleApi.TextHtml)]
    [InlineData("application/vnd.pypi.simple.latest+json", SimpleApi.TextHtml)]
    public void Selects_like_warehouse(string? accept, string expected)
    {
        Assert.Equal(expected, SimpleContentNegotiation.Select(accept));
    }

    [Fact]
    public void Repeated_headers_give_the_same_answer()
    {
        const string pip = "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01";
        for (var i = 0; i < 3; i++) Assert.Same(SimpleApi.V1Json, SimpleContentNegotiation.Select(pip));
    }

    [Fact]
    public void Only_the_json_type_renders_json()
    {
        Assert.Equal(SimpleFormat.Json, SimpleContentNegotiation.FormatOf(SimpleApi.V1Json));
        Assert.Equal(SimpleFormat.Html, SimpleContentNegotiation.FormatOf(SimpleApi.V1Html));
        Assert.Equal(SimpleFormat.Html, SimpleContentNegotiation.FormatOf(SimpleApi.TextHtml));
    }
}
