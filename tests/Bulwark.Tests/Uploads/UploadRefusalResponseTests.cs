using Bulwark.Cli;
using Bulwark.Core.Outcomes;
using Bulwark.Endpoints.Upload;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Bulwark.Tests.Uploads;

/// <summary>The edges' mappings of a refusal kind: the upload API's status and reason phrase, the command line's exit code.</summary>
public sealed class UploadRefusalResponseTests
{
    [Theory]
    [InlineData(RefusalKind.Invalid, 400)]
    [InlineData(RefusalKind.Unauthenticated, 403)]
    [InlineData(RefusalKind.WrongCredentials, 403)]
    [InlineData(RefusalKind.Forbidden, 403)]
    [InlineData(RefusalKind.Conflict, 409)]
    [InlineData(RefusalKind.Gone, 410)]
    [InlineData(RefusalKind.Throttled, 429)]
    public void Each_kind_has_Warehouses_status(RefusalKind kind, int status) => Assert.Equal(status, UploadRefusalResponse.StatusOf(kind));

    [Fact]
    public void Every_kind_has_a_status_and_an_exit_code()
    {
        foreach (var kind in Enum.GetValues<RefusalKind>())
        {
            Assert.InRange(UploadRefusalResponse.StatusOf(kind), 400, 599);
            Assert.Equal(1, CliOutcomes.ExitCodeOf(kind));
        }
    }

    [Fact]
    public async Task The_message_is_the_reason_phrase_and_the_body()
    {
        var http = new DefaultHttpContext();
        var response = new HttpResponseFeature();
        http.Features.Set<IHttpResponseFeature>(response);
        http.Response.Body = new MemoryStream();
        await UploadRefusalResponse.WriteAsync(http, Refusal.Invalid("File already exists ('a-1.0.tar.gz', with blake2_256 hash 'ab')."));
        Assert.Equal(400, response.StatusCode);
        Assert.Equal("File already exists ('a-1.0.tar.gz', with blake2_256 hash 'ab').", response.ReasonPhrase);
    }

    [Fact]
    public async Task A_throttle_carries_Retry_After()
    {
        var http = new DefaultHttpContext();
        http.Response.Body = new MemoryStream();
        await UploadRefusalResponse.WriteAsync(http, Refusal.Throttled(TimeSpan.FromSeconds(90)));
        Assert.Equal(429, http.Response.StatusCode);
        Assert.Equal("90", http.Response.Headers.RetryAfter.ToString());
    }

    [Theory]
    [InlineData("line one\nline two", "line one line two")]
    [InlineData("caf\u00e9", "caf?")]
    public void A_reason_phrase_is_one_line_of_printable_ascii(string message, string phrase) =>
        Assert.Equal(phrase, UploadRefusalResponse.ReasonPhrase(message));
}
