using Bulwark.Core.Email;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Bulwark.Core.Tests.Email;

public sealed class EmailMessageTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "bulwark-mail-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Messages_are_multipart_alternative_with_text_and_html()
    {
        var message = AccountEmails.VerifyEmail("alice@example.com", "alice", new Uri("https://index.example/account/verify-email?token=abc"), TimeSpan.FromHours(24));
        var mime = MimeMessageFactory.Create(message, "Bulwark <noreply@index.example>", _time);
        var alternative = Assert.IsType<MultipartAlternative>(mime.Body);
        Assert.Equal(2, alternative.Count);
        Assert.Contains("https://index.example/account/verify-email?token=abc", mime.TextBody);
        Assert.Contains("href=\"https://index.example/account/verify-email?token=abc\"", mime.HtmlBody);
        Assert.Contains("24 hours", mime.TextBody);
        Assert.Equal("verify-email", mime.Headers["X-Bulwark-Kind"]);
        Assert.Equal("noreply@index.example", ((MailboxAddress)mime.From[0]).Address);
        Assert.Equal(_time.GetUtcNow(), mime.Date);
    }

    [Fact]
    public void Interpolated_values_are_html_encoded()
    {
        var message = ProjectEmails.CollaboratorAdded("bob@example.com", "bob", "<script>alert(1)</script>", "eve&co", "Owner", "mallory\"><img src=x>");
        Assert.DoesNotContain("<script>", message.HtmlBody);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", message.HtmlBody);
        Assert.Contains("eve&amp;co", message.HtmlBody);
        Assert.DoesNotContain("<img", message.HtmlBody);
        Assert.Contains("<script>alert(1)</script>", message.TextBody); // plain text stays as written
    }

    [Fact]
    public void Line_breaks_in_subjects_cannot_inject_headers()
    {
        var message = ProjectEmails.ReleasePublished("bob@example.com", "bob", "evil\r\nBcc: victim@example.com", "1.0", "eve",
            new Uri("https://index.example/project/evil/"), _time.GetUtcNow());
        var mime = MimeMessageFactory.Create(message, "noreply@index.example", _time);
        Assert.Empty(mime.Bcc);
        using var stream = new MemoryStream();
        mime.WriteTo(stream);
        var parsed = MimeMessage.Load(new MemoryStream(stream.ToArray()));
        Assert.Empty(parsed.Bcc);
        Assert.DoesNotContain("\n", parsed.Subject);
    }

    [Fact]
    public void Only_x_headers_may_be_added()
    {
        var message = new EmailMessage("a@example.com", "s", "t", "<p>h</p>") { Headers = new Dictionary<string, string> { ["Bcc"] = "x@example.com" } };
        Assert.Throws<ArgumentException>(() => MimeMessageFactory.Create(message, "noreply@example.com", _time));
    }

    [Fact]
    public void Links_must_be_http_or_https()
    {
        Assert.Throws<ArgumentException>(() => new EmailBody().Link(new Uri("javascript:alert(1)")));
        Assert.Throws<ArgumentException>(() => new EmailBody().Link(new Uri("file:///etc/passwd")));
    }

    [Fact]
    public async Task Pickup_directory_writes_a_parseable_eml_and_no_temporary_file()
    {
        var sender = new PickupDirectoryEmailSender(_dir, "Bulwark <noreply@index.example>", _time);
        var link = new Uri("http://localhost:8080/account/reset-password?token=xyz");
        await sender.SendAsync(AccountEmails.PasswordReset("carol@example.com", "carol", link, TimeSpan.FromHours(1)));
        await sender.SendAsync(AccountEmails.PasswordChanged("carol@example.com", "carol", _time.GetUtcNow(), "198.51.100.1", byReset: true));
        var files = Directory.GetFiles(_dir);
        Assert.Equal(2, files.Length);
        Assert.All(files, f => Assert.EndsWith(".eml", f));
        var messages = files.Order().Select(f => MimeMessage.Load(f)).ToList();
        Assert.Contains(messages, m => m.Subject == "Reset your password" && m.TextBody!.Contains(link.AbsoluteUri) && m.HtmlBody!.Contains(link.AbsoluteUri));
        Assert.Contains(messages, m => m.Subject == "Your password was changed" && m.TextBody!.Contains("198.51.100.1"));
        Assert.All(messages, m => Assert.Equal("carol@example.com", ((MailboxAddress)m.To[0]).Address));
    }

    [Fact]
    public void Every_template_renders_both_parts()
    {
        var link = new Uri("https://index.example/x?token=t");
        var now = _time.GetUtcNow();
        EmailMessage[] all =
        [
            AccountEmails.VerifyEmail("a@example.com", "a", link, TimeSpan.FromHours(24)),
            AccountEmails.RegistrationAttempt("a@example.com", "a", link, link),
            AccountEmails.PasswordReset("a@example.com", "a", link, TimeSpan.FromHours(1)),
            AccountEmails.PasswordChanged("a@example.com", "a", now, null, byReset: false),
            AccountEmails.VerifyNewEmail("b@example.com", "a", link, TimeSpan.FromHours(24)),
            AccountEmails.EmailChangeAttempt("b@example.com"),
            AccountEmails.EmailChanged("a@example.com", "a", "b@example.com", now, "198.51.100.1"),
            AccountEmails.ApiTokenCreated("a@example.com", "a", "ci", ["demo"], null, now, null),
            ProjectEmails.ReleasePublished("a@example.com", "a", "demo", "1.0", "a", link, now),
            ProjectEmails.CollaboratorInvited("a@example.com", "a", "demo", "Maintainer", "b", link),
            ProjectEmails.CollaboratorAdded("a@example.com", "a", "demo", "b", "Owner", "a"),
            ProjectEmails.CollaboratorRemoved("a@example.com", "a", "demo", "b", "a"),
        ];
        Assert.Equal(all.Length, all.Select(m => m.Headers["X-Bulwark-Kind"]).Distinct().Count());
        Assert.All(all, m =>
        {
            Assert.False(string.IsNullOrWhiteSpace(m.Subject));
            Assert.StartsWith("<!DOCTYPE html>", m.HtmlBody);
            Assert.Contains("Bulwark", m.TextBody);
        });
    }
}
