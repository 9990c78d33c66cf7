using Bulwark.Core.Accounts;
using Bulwark.Core.Email;
using Microsoft.Extensions.Options;

namespace Bulwark.Hosting;

/// <summary>
/// E-mail for the web host: options bound and checked at start, the configured transport, and the
/// outbox that flows write to.
/// </summary>
public static class EmailServices
{
    public static IServiceCollection AddBulwarkEmail(this IServiceCollection services)
    {
        services.AddEmailOptions();

        services.AddSingleton<EmailTransport>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EmailOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            IEmailSender sender = options.Mode switch
            {
                EmailMode.Smtp => new SmtpEmailSender(options.Smtp, options.From, time),
                _ => new PickupDirectoryEmailSender(PickupDirectory(sp, options), options.From, time),
            };
            return new EmailTransport(sender);
        });
        services.AddSingleton<EmailOutbox>();
        services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<EmailOutbox>());
        services.AddHostedService<EmailDispatcher>();
        services.AddSingleton(sp => new AccountLinks(() => sp.GetRequiredService<PublicUrl>().Uri));
        return services;
    }

    /// <summary>
    /// E-mail for the admin verbs: no outbox (the command exits once its work is done, before a background
    /// dispatcher could run), so messages go straight to the configured transport; links use
    /// <c>Bulwark:PublicUrl</c>, or the default listen address with host <c>localhost</c>.
    /// </summary>
    public static IServiceCollection AddBulwarkCliEmail(this IServiceCollection services)
    {
        services.AddEmailOptions();
        services.AddSingleton<IEmailSender>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EmailOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            return options.Mode == EmailMode.Smtp
                ? new SmtpEmailSender(options.Smtp, options.From, time)
                : new PickupDirectoryEmailSender(PickupDirectory(sp, options), options.From, time);
        });
        services.AddSingleton(sp => new AccountLinks(PublicUrl.WithoutServer(sp.GetRequiredService<IOptions<BulwarkOptions>>().Value)));
        return services;
    }

    /// <summary>One set of checks for the server and the admin verbs: both send mail with the same settings.</summary>
    private static void AddEmailOptions(this IServiceCollection services) =>
        services.AddValidatedOptions<EmailOptions>(EmailOptions.Section)
            .Validate(o => o.Mode != EmailMode.Smtp || !string.IsNullOrWhiteSpace(o.Smtp.Host), "Bulwark:Email:Mode is Smtp but Bulwark:Email:Smtp:Host is empty.")
            .Validate(o => MimeKit.MailboxAddress.TryParse(o.From, out _), "Bulwark:Email:From is not an e-mail address (\"Name <address>\" or \"address\").");

    public static string PickupDirectory(IServiceProvider sp, EmailOptions options) =>
        options.PickupDirectory is { Length: > 0 } dir
            ? Path.GetFullPath(dir)
            : Path.Combine(DataServices.DataDirectory(sp.GetRequiredService<IOptions<BulwarkOptions>>().Value), "mail");
}

/// <summary>The sender that really delivers (pickup directory or SMTP), used by the dispatcher only.</summary>
public sealed record EmailTransport(IEmailSender Sender);
