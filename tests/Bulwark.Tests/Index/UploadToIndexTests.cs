using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Bulwark.Core.Index;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests.Index;

/// <summary>What the upload endpoint stores is what the read path serves.</summary>
public abstract class UploadToIndexTests<TServer>(TServer server) where TServer : BulwarkServer
{
    private readonly HttpClient _client = server.CreateRawClient();

    [Fact]
    public async Task An_uploaded_wheel_and_sdist_are_listed_fetchable_and_described()
    {
        var token = await server.CreateTokenAsync("read-path-uploader");
        var spec = new TestDistributions.Spec("Uploaded_Read", "1.0") { RequiresPython = ">=3.9" };
        foreach (var wheel in new[] { true, false })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/legacy/") { Content = UploadForm.For(spec, wheel).ToContent() };
            request.Headers.Authorization = UploadForm.TokenAuth(token);
            var upload = await _client.SendAsync(request);
            Assert.True(upload.StatusCode == HttpStatusCode.OK, $"{(int)upload.StatusCode} {upload.ReasonPhrase}: {await upload.Content.ReadAsStringAsync()}");
        }

        var page = await (await _client.GetWithAcceptAsync("/simple/uploaded-read/", HttpTestExtensions.PipAccept)).ReadJsonAsync();
        var files = page.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal([spec.WheelFilename, spec.SdistFilename], files.Select(f => f.GetProperty("filename").GetString()));
        Assert.All(files, f => Assert.Equal(">=3.9", f.GetProperty("requires-python").GetString()));

        foreach (var f in files)
        {
            var url = new Uri(new Uri("http://localhost/simple/uploaded-read/"), f.GetProperty("url").GetString());
            var bytes = await _client.GetByteArrayAsync(url);
            Assert.Equal(f.GetProperty("hashes").GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
            Assert.Equal(f.GetProperty("size").GetInt64(), bytes.Length);
            if (f.GetProperty("core-metadata").ValueKind == JsonValueKind.Object)
            {
                var metadata = await _client.GetByteArrayAsync(new Uri(url + ".metadata"));
                Assert.Equal(f.GetProperty("core-metadata").GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(metadata)));
            }
        }
        // The upload extracted the wheel's METADATA; the sdist has none.
        Assert.Equal(JsonValueKind.Object, files[0].GetProperty("core-metadata").ValueKind);

        var json = await (await _client.GetAsync("/pypi/uploaded-read/json")).ReadJsonAsync();
        Assert.Equal("Uploaded_Read", json.GetProperty("info").GetProperty("name").GetString());
        Assert.Equal("A test package", json.GetProperty("info").GetProperty("summary").GetString());
        Assert.Equal(2, json.GetProperty("urls").GetArrayLength());
        var role = json.GetProperty("ownership").GetProperty("roles").EnumerateArray().Single();
        Assert.Equal("Owner", role.GetProperty("role").GetString());
        Assert.Equal("read-path-uploader", role.GetProperty("user").GetString());

        var html = await (await _client.GetWithAcceptAsync("/simple/", SimpleApi.TextHtml)).Content.ReadAsStringAsync();
        Assert.Contains("<a href=\"uploaded-read/\">Uploaded_Read</a>", html);
    }
}

public sealed class UploadToIndexTestsSqlite(SqliteServer server) : UploadToIndexTests<SqliteServer>(server), IClassFixture<SqliteServer>;

public sealed class UploadToIndexTestsPostgres(PostgresServer server) : UploadToIndexTests<PostgresServer>(server), IClassFixture<PostgresServer>;
