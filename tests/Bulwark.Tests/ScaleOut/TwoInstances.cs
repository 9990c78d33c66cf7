using System.Security.Cryptography;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.ScaleOut;

/// <summary>
/// One instance of a deployment: a server on a shared PostgreSQL database, with a data directory of its own
/// (so no signal file and no key-ring files are shared) and the deployment's configured keys. The periodic
/// journal poll is ten minutes apart, so what shows on another instance within seconds came by notification.
/// </summary>
public sealed class InstanceServer(string connectionString, string keyEncryptionKey, string factorKey) : BulwarkServer(DatabaseKind.Postgres)
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("ConnectionStrings:Bulwark", connectionString),
        new("Bulwark:DataProtection:KeyEncryptionKey", keyEncryptionKey),
        new("Bulwark:TwoFactor:SecretKey", factorKey),
        new("Bulwark:Index:JournalPollInterval", "00:10:00"),
    ];
}

/// <summary>Two instances on one PostgreSQL database, as behind a load balancer.</summary>
public sealed class TwoInstances : IAsyncLifetime, IAsyncDisposable
{
    private string _database = "";

    public InstanceServer A { get; private set; } = null!;
    public InstanceServer B { get; private set; } = null!;

    /// <summary>Two instances on a new database, started one after the other (the first migrates).</summary>
    public Task InitializeAsync() => StartAsync(together: false);

    /// <summary>
    /// Two instances started at the same moment, as systemd starts them, on a database already migrated (by a
    /// third start that is stopped again) and with an empty key ring.
    /// </summary>
    public static async Task<TwoInstances> StartTogetherAsync()
    {
        var instances = new TwoInstances();
        await instances.StartAsync(together: true);
        return instances;
    }

    private async Task StartAsync(bool together)
    {
        _database = await TestDatabases.CreatePostgresDatabaseAsync();
        var kek = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var factor = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        A = new InstanceServer(_database, kek, factor);
        B = new InstanceServer(_database, kek, factor);
        if (!together)
        {
            await ((IAsyncLifetime)A).InitializeAsync();
            await ((IAsyncLifetime)B).InitializeAsync();
            return;
        }
        var migrator = new InstanceServer(_database, kek, factor);
        await ((IAsyncLifetime)migrator).InitializeAsync();
        await migrator.WithDbAsync(db => db.DataProtectionKeys.ExecuteDeleteAsync());
        await ((IAsyncLifetime)migrator).DisposeAsync();
        await Task.WhenAll(((IAsyncLifetime)A).InitializeAsync(), ((IAsyncLifetime)B).InitializeAsync());
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)B).DisposeAsync();
        await ((IAsyncLifetime)A).DisposeAsync();
        await TestDatabases.DropPostgresDatabaseAsync(_database);
    }
}
