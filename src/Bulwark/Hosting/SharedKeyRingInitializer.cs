using Bulwark.Core.Data;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Hosting;

/// <summary>
/// On PostgreSQL, gives the shared key ring its first key before the server takes requests, created by one
/// instance only.
/// </summary>
/// <remarks>
/// Why: data protection creates a key when it first needs one and finds none. Two instances started together on
/// an empty ring would each create their own and, for up to a day (until each re-reads the ring), reject the
/// forms and cookies the other protected. Here the first instance to take the advisory lock creates the key and
/// every later one finds it. Later keys are no problem: data protection creates each successor days before it
/// becomes active, and every instance reads the ring again before then. Runs after the migrations.
/// </remarks>
public sealed class SharedKeyRingInitializer(IServiceProvider services, IOptions<BulwarkOptions> options, IOptions<KeyManagementOptions> keyOptions) : IHostedService
{
    // An arbitrary constant, distinct from the other advisory locks ("BULWDPKR").
    private const long AdvisoryLockKey = 0x4255_4C57_4450_4B52;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Database != DatabaseKind.Postgres) return;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken);
        var keys = services.GetRequiredService<IKeyManager>();
        var now = DateTimeOffset.UtcNow;
        // The key is stored through its own scope and connection (DatabaseXmlRepository); this transaction
        // only holds the lock until that is done.
        if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
        {
            keys.CreateNewKey(now, now + keyOptions.Value.NewKeyLifetime);
        }
        await tx.CommitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
