using MimeKit;

namespace Bulwark.EndToEnd.Tests.Browser;

/// <summary>The .eml files the server's default e-mail sender writes to its data directory.</summary>
public static class PickupMailbox
{
    public static async Task<MimeMessage> WaitForAsync(string dataDirectory, string to, string subject)
    {
        var dir = Path.Combine(dataDirectory, "mail");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (Directory.Exists(dir))
            {
                foreach (var file in Directory.GetFiles(dir, "*.eml").Order(StringComparer.Ordinal))
                {
                    var message = await MimeMessage.LoadAsync(file);
                    if (message.To.Mailboxes.Any(m => m.Address == to) && (message.Subject ?? "").Contains(subject, StringComparison.Ordinal)) return message;
                }
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"No mail to {to} about '{subject}' in {dir}.");
            await Task.Delay(100);
        }
    }
}
