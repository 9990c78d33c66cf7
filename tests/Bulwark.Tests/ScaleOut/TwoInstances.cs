using System.Security.Cryptography;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;

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
public sealed class TwoInstances : IAsyncLifetime
{
    private string _database = "";

    public InstanceServer A { get; private set; } = null!;
    public InstanceServer B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabases.CreatePostgresDatabaseAsync();
        var kek = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var factor = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        A = new InstanceServer(_database, kek, factor);
        await ((IAsyncLifetime)A).InitializeAsync();
        B = new InstanceServer(_database, kek, factor);
        await ((IAsyncLifetime)B).InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)B).DisposeAsync();
        await ((IAsyncLifetime)A).DisposeAsync();
        await TestDatabases.DropPostgresDatabaseAsync(_database);
    }
}
