using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.Flows;
using Bulwark.Core.Email;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Bulwark.Tests.Accounts;

/// <summary>A Bulwark server whose mail goes over SMTP to a real aiosmtpd on loopback.</summary>
public sealed class SmtpMailServer : BulwarkServer
{
    public SmtpMailServer() : base(DatabaseKind.Sqlite)
    {
    }

    public Aiosmtpd Smtp { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Bulwark:Email:Mode", "Smtp"),
        new("Bulwark:Email:From", "Bulwark Index <index@bulwark.test>"),
        new("Bulwark:Email:Smtp:Host", "127.0.0.1"),
        new("Bulwark:Email:Smtp:Port", Smtp.Port.ToString()),
        new("Bulwark:Email:Smtp:StartTls", "None"),
    ];

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Smtp.Dispose();
    }
}

public sealed class SmtpDeliveryTests(SmtpMailServer server) : IClassFixture<SmtpMailServer>
{
    [Fact]
    public async Task The_smtp_sender_delivers_a_multipart_message_to_a_real_server()
    {
        var sender = new SmtpEmailSender(new SmtpOptions { Host = "127.0.0.1", Port = server.Smtp.Port, StartTls = SmtpTlsMode.None }, "noreply@bulwark.test", TimeProvider.System);
        var link = new Uri("https://index.example/account/reset-password?token=" + new string('A', 43));
        await sender.SendAsync(AccountEmails.PasswordReset("direct@example.com", "direct", link, TimeSpan.FromHours(1)));
        var received = await server.Smtp.WaitForAsync("direct@example.com", "Reset your password");
        Assert.IsType<MultipartAlternative>(received.Body);
        Assert.Contains(link.AbsoluteUri, received.TextBody);
        Assert.Contains(link.AbsoluteUri, received.HtmlBody);
        Assert.Equal("noreply@bulwark.test", received.From.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task Requiring_starttls_refuses_a_server_without_it()
    {
        var sender = new SmtpEmailSender(new SmtpOptions { Host = "127.0.0.1", Port = server.Smtp.Port, StartTls = SmtpTlsMode.Required }, "noreply@bulwark.test", TimeProvider.System);
        await Assert.ThrowsAnyAsync<Exception>(() => sender.SendAsync(AccountEmails.EmailChangeAttempt("nobody@example.com")));
    }

    [Fact]
    public async Task Sign_up_mail_travels_over_smtp_and_its_link_verifies_the_account()
    {
        var username = "smtp" + Guid.NewGuid().ToString("N")[..8];
        var email = $"{username}@example.com";
        var result = await server.WithScopeAsync(sp =>
            sp.GetRequiredService<Registration>().RegisterAsync(username, email, "tundra velvet gossip 41", new Core.Audit.Actor("198.51.100.9", "smtp-test")));
        Assert.True(result.Succeeded, result.Said());

        var mail = await server.Smtp.WaitForAsync(email, "Verify your e-mail address");
        Assert.Equal("index@bulwark.test", mail.From.Mailboxes.Single().Address);
        var text = mail.TextBody!;
        var token = PickupMail.TokenFrom(mail, AccountLinks.VerifyEmailPath);
        Assert.StartsWith("http://localhost/account/verify-email?token=", text[text.IndexOf("http://", StringComparison.Ordinal)..]);

        var verified = await server.WithScopeAsync(sp => sp.GetRequiredService<EmailVerification>().VerifyAsync(token, new Core.Audit.Actor("198.51.100.9", "smtp-test")));
        Assert.True(verified.Succeeded, verified.Said());
        Assert.True((await server.WithScopeAsync(sp => sp.GetRequiredService<UserService>().FindByUsernameAsync(username)))!.EmailVerified);
        Assert.Empty(PickupMail.All(server)); // SMTP mode writes no pickup files
    }
}
