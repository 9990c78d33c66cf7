using System.Threading.Channels;
using Bulwark.Core.Email;

namespace Bulwark.Hosting;

/// <summary>
/// The <see cref="IEmailSender"/> that request handlers see: it queues and returns at once. Delivery
/// happens in <see cref="EmailDispatcher"/>. Two reasons: an answer must not take longer when a mail is
/// sent ("reset link sent" vs. "no such account" would otherwise be told apart by timing), and a slow or
/// failing mail server must not fail the change the mail is about, which is already committed.
/// </summary>
/// <remarks>Messages still queued when the process stops are lost; the links they carried can be requested again.</remarks>
public sealed class EmailOutbox : IEmailSender
{
    private readonly Channel<EmailMessage> _queue = Channel.CreateBounded<EmailMessage>(new BoundedChannelOptions(10_000)
    {
        // A flood of requests must not grow memory without bound; the oldest undelivered mail goes first.
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    public Task SendAsync(EmailMessage message, CancellationToken ct = default)
    {
        _queue.Writer.TryWrite(message);
        return Task.CompletedTask;
    }

    internal ChannelReader<EmailMessage> Reader => _queue.Reader;
}

/// <summary>Delivers queued mail through the configured transport, retrying a few times with back-off.</summary>
public sealed class EmailDispatcher(EmailOutbox outbox, EmailTransport transport, ILogger<EmailDispatcher> logger) : BackgroundService
{
    private static readonly TimeSpan[] Backoff = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var message in outbox.Reader.ReadAllAsync(stoppingToken))
        {
            await DeliverAsync(message, stoppingToken);
        }
    }

    private async Task DeliverAsync(EmailMessage message, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await transport.Sender.SendAsync(message, ct);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Never log the body: it may hold a one-time link.
                if (attempt >= Backoff.Length)
                {
                    logger.LogError(e, "Giving up on e-mail '{Subject}' to {Recipient} after {Attempts} attempts.", message.Subject, message.To, attempt + 1);
                    return;
                }
                logger.LogWarning(e, "E-mail '{Subject}' to {Recipient} failed (attempt {Attempt}); retrying.", message.Subject, message.To, attempt + 1);
                await Task.Delay(Backoff[attempt], ct);
            }
        }
    }
}
