using System.Text.RegularExpressions;
using MimeKit;

namespace Bulwark.Tests.Infrastructure;

/// <summary>Reads the .eml files the server's default pickup-directory sender writes.</summary>
public static partial class PickupMail
{
    public static string Directory(BulwarkServer server) => Path.Combine(server.DataDirectory, "mail");

    public static IReadOnlyList<MimeMessage> All(BulwarkServer server)
    {
        var dir = Directory(server);
        if (!System.IO.Directory.Exists(dir)) return [];
        return System.IO.Directory.GetFiles(dir, "*.eml").Order(StringComparer.Ordinal).Select(f => MimeMessage.Load(f)).ToList();
    }

    public static IReadOnlyList<MimeMessage> To(BulwarkServer server, string address) =>
        All(server).Where(m => m.To.Mailboxes.Any(b => string.Equals(b.Address, address, StringComparison.OrdinalIgnoreCase))).ToList();

    /// <summary>Waits (the outbox delivers in the background) for a message to <paramref name="address"/> whose subject contains the text.</summary>
    public static async Task<MimeMessage> WaitForAsync(BulwarkServer server, string address, string subject, int skip = 0)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var found = To(server, address).Where(m => (m.Subject ?? "").Contains(subject, StringComparison.Ordinal)).Skip(skip).FirstOrDefault();
            if (found is not null) return found;
            if (DateTime.UtcNow > deadline)
            {
                var seen = string.Join("; ", To(server, address).Select(m => m.Subject));
                throw new TimeoutException($"No message to {address} with subject '{subject}' arrived. Seen: [{seen}]");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>The one-time secret in the message's link; asserts text and HTML parts carry the same link.</summary>
    public static string TokenFrom(MimeMessage message, string path)
    {
        var text = TokenLink().Match(message.TextBody ?? "");
        Assert.True(text.Success, $"no link in: {message.TextBody}");
        Assert.Equal(path, new Uri(text.Value).AbsolutePath);
        Assert.Contains(text.Value, message.HtmlBody);
        return text.Groups["token"].Value;
    }

    [GeneratedRegex(@"https?://\S+\?token=(?<token>[A-Za-z0-9_-]{43})")]
    private static partial Regex TokenLink();
}
