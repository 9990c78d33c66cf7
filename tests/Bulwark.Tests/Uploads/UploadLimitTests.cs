using System.Net;
using System.Net.Sockets;
using System.Text;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Uploads;

/// <summary>A server with tiny limits, so size checks can be exercised with small files.</summary>
public sealed class SmallLimitsServer() : BulwarkServer(DatabaseKind.Sqlite)
{
    public const int MaxFile = 4000;
    public const int MaxProject = 6000;

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Bulwark:Uploads:MaxFileSize", MaxFile.ToString()),
        new("Bulwark:Uploads:MaxProjectSize", MaxProject.ToString()),
    ];
}

public sealed class UploadLimitTests(SmallLimitsServer server) : UploadTestBase<SmallLimitsServer>(server), IClassFixture<SmallLimitsServer>
{
    private static TestDistributions.Spec Padded(string name, string version, int descriptionBytes) =>
        // Random text does not compress, so the wheel grows by about the description's size.
        new(name, version) { Description = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(descriptionBytes * 3 / 4)) };

    [Fact]
    public async Task A_file_over_the_per_file_limit_is_refused_and_leaves_nothing()
    {
        var name = UniqueName();
        var token = await Server.CreateTokenAsync("big" + name[^6..]);
        await AssertRefusedAsync(await UploadAsync(UploadForm.For(Padded(name, "1.0", 6000)), token), HttpStatusCode.BadRequest,
            $"File too large. Limit for project '{name}' is 0 MB.");
        Assert.False(await Server.WithDbAsync(db => db.Projects.AnyAsync(p => p.NormalizedName == name)));
        Assert.Empty(Directory.GetFiles(Path.Combine(Server.DataDirectory, "files", ".tmp")));
    }

    [Fact]
    public async Task The_project_total_is_enforced()
    {
        var name = UniqueName();
        var token = await Server.CreateTokenAsync("tot" + name[^6..]);
        await AssertOkAsync(await UploadAsync(UploadForm.For(Padded(name, "1.0", 2500)), token));
        await AssertOkAsync(await UploadAsync(UploadForm.For(Padded(name, "2.0", 2000)), token));
        await AssertRefusedAsync(await UploadAsync(UploadForm.For(Padded(name, "3.0", 2500)), token), HttpStatusCode.BadRequest,
            $"Project size too large. Limit for project '{name}' total size is");
    }
}

/// <summary>Uploads cut off by the client, over a real socket.</summary>
public sealed class UploadDisconnectTests(RealSocketServer server) : UploadTestBase<RealSocketServer>(server), IClassFixture<RealSocketServer>
{
    [Fact]
    public async Task A_client_that_disconnects_mid_file_leaves_no_row_blob_or_temp_file()
    {
        var name = UniqueName();
        var token = await Server.CreateTokenAsync("cut" + name[^6..]);
        var address = Server.ClientOptions.BaseAddress;
        var spec = new TestDistributions.Spec(name, "1.0");
        var content = UploadForm.For(spec).ToContent();
        var body = await content.ReadAsByteArrayAsync();
        var contentType = content.Headers.ContentType!.ToString();

        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(address.Host, address.Port);
            var stream = tcp.GetStream();
            var auth = UploadForm.TokenAuth(token).Parameter;
            var head = $"POST /legacy/ HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic {auth}\r\nContent-Type: {contentType}\r\nContent-Length: {body.Length}\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(body.AsMemory(0, body.Length - 200)); // stop inside the file part
            await stream.FlushAsync();
            await Task.Delay(300);
        }
        await Task.Delay(500);

        Assert.False(await Server.WithDbAsync(db => db.Projects.AnyAsync(p => p.NormalizedName == name)), "no project row");
        Assert.Empty(Directory.GetFiles(Path.Combine(Server.DataDirectory, "files", ".tmp")));
        var blobs = Directory.GetFiles(Path.Combine(Server.DataDirectory, "files"), spec.WheelFilename, SearchOption.AllDirectories);
        Assert.Empty(blobs);
    }
}
