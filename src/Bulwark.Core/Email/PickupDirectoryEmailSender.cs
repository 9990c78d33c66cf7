namespace Bulwark.Core.Email;

/// <summary>
/// Writes each message as an RFC 5322 <c>.eml</c> file. The file is written under a temporary name and
/// renamed, so anything watching the directory never sees half a message.
/// </summary>
public sealed class PickupDirectoryEmailSender(string directory, string from, TimeProvider time) : IEmailSender
{
    public string Directory { get; } = Path.GetFullPath(directory);

    public async Task SendAsync(EmailMessage message, CancellationToken ct = default)
    {
        var mime = MimeMessageFactory.Create(message, from, time);
        System.IO.Directory.CreateDirectory(Directory);
        // Time first so a directory listing reads in order; the random part keeps names unique across instances.
        var name = $"{time.GetUtcNow():yyyyMMdd'T'HHmmssfffffff}-{Guid.NewGuid():N}";
        var temp = Path.Combine(Directory, $".{name}.tmp");
        var final = Path.Combine(Directory, $"{name}.eml");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true))
            {
                await mime.WriteToAsync(stream, ct);
                await stream.FlushAsync(ct);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, final);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
