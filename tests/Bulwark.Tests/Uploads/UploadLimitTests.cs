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
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_client_that_disconnects_mid_file_leaves_no_row_blob_or_temp_file_and_is_no_server_error()
    {
        var (name, spec, target, head, body) = await PrepareAsync();

        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(Server.ClientOptions.BaseAddress.Host, Server.ClientOptions.BaseAddress.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(head);
            await stream.WriteAsync(body.AsMemory(0, body.Length - 200)); // stop inside the file part
            await stream.FlushAsync();
            // Once the server is writing the file, the client dies: a reset, not an orderly close.
            await WaitForTempFileAsync();
            tcp.Client.LingerState = new LingerOption(true, 0);
        }

        var status = Server.Outcomes.WaitFor(target, Patience);
        Assert.True(status != 500, "an upload the client abandoned ended as a server error (500)");
        await AssertNothingLeftAsync(name, spec);
    }

    [Fact]
    public async Task A_client_that_stops_sending_before_its_content_length_is_no_server_error()
    {
        var (name, spec, target, head, body) = await PrepareAsync();

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Server.ClientOptions.BaseAddress.Host, Server.ClientOptions.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(head);
        await stream.WriteAsync(body.AsMemory(0, body.Length - 200));
        await WaitForTempFileAsync();
        // An orderly close with bytes still owed: Kestrel reports a truncated body (it cannot send an answer
        // over a connection the client half-closed, so only the server's side can be checked).
        tcp.Client.Shutdown(SocketShutdown.Send);

        var status = Server.Outcomes.WaitFor(target, Patience);
        Assert.True(status is 400 or 499, $"the truncated upload ended with {status}, not as a refusal or an abandoned request");
        await AssertNothingLeftAsync(name, spec);
    }

    [Fact]
    public async Task A_body_declared_over_the_size_limit_is_413_naming_the_limit()
    {
        var (name, spec, target, head, body) = await PrepareAsync();
        var declared = Encoding.ASCII.GetString(head).Replace($"Content-Length: {body.Length}", "Content-Length: 200000000");

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Server.ClientOptions.BaseAddress.Host, Server.ClientOptions.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(declared));
        await stream.WriteAsync(body.AsMemory(0, 1000));
        var status = await new StreamReader(stream, Encoding.ASCII).ReadLineAsync();

        Assert.StartsWith("HTTP/1.1 413 Request body too large", status);
        Assert.Equal(413, Server.Outcomes.WaitFor(target, Patience));
        await AssertNothingLeftAsync(name, spec);
    }

    /// <summary>A fresh project's upload as raw HTTP, to a target of its own so the server's outcome can be found.</summary>
    private async Task<(string Name, TestDistributions.Spec Spec, string Target, byte[] Head, byte[] Body)> PrepareAsync()
    {
        var name = UniqueName();
        var token = await Server.CreateTokenAsync("cut" + name[^6..]);
        var spec = new TestDistributions.Spec(name, "1.0");
        var content = UploadForm.For(spec).ToContent();
        var body = await content.ReadAsByteArrayAsync();
        var auth = UploadForm.TokenAuth(token).Parameter;
        var target = $"/legacy/?attempt={Guid.NewGuid():N}";
        var head = $"POST {target} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic {auth}\r\nContent-Type: {content.Headers.ContentType}\r\nContent-Length: {body.Length}\r\n\r\n";
        return (name, spec, target, Encoding.ASCII.GetBytes(head), body);
    }

    private async Task WaitForTempFileAsync()
    {
        var temp = Path.Combine(Server.DataDirectory, "files", ".tmp");
        var deadline = DateTime.UtcNow + Patience;
        while (Directory.GetFiles(temp, "*.upload").Length == 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The server never started writing the file part.");
            await Task.Delay(10);
        }
    }

    private async Task AssertNothingLeftAsync(string name, TestDistributions.Spec spec)
    {
        Assert.False(await Server.WithDbAsync(db => db.Projects.AnyAsync(p => p.NormalizedName == name)), "no project row");
        Assert.Empty(Directory.GetFiles(Path.Combine(Server.DataDirectory, "files", ".tmp")));
        Assert.Empty(Directory.GetFiles(Path.Combine(Server.DataDirectory, "files"), spec.WheelFilename, SearchOption.AllDirectories));
    }
}
