using Bulwark.Core.Email;

namespace Bulwark.Core.Accounts.TwoFactor;

/// <summary>
/// E-mails the account owner about every change to, and every warning sign on, their second factors. The
/// audit event is recorded by the service that made the change, in the same transaction; this only tells
/// the owner. The host's <see cref="IEmailSender"/> queues, so a slow mail server does not hold the request.
/// </summary>
public sealed class EmailFactorNotifier(IEmailSender mail, AccountLinks links) : IFactorNotifier
{
    public Task NotifyAsync(FactorNotice notice, CancellationToken ct = default) =>
        mail.SendAsync(SecurityEmails.Factor(notice, links.Security()), ct);
}
