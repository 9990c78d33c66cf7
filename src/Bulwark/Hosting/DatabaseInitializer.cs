using Microsoft.Extensions.Options;

namespace Bulwark.Hosting;

/// <summary>Applies migrations before the server starts listening, so a first start needs no setup.</summary>
public sealed class DatabaseInitializer(IServiceProvider services, IOptions<BulwarkOptions> options, ILogger<DatabaseInitializer> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // A relative data directory resolves against the working directory, which a service manager chooses
        // (systemd: "/" unless WorkingDirectory= says otherwise): say where the state really goes.
        logger.LogInformation("Data directory: {DataDirectory} ({Database}).", DataServices.DataDirectory(options.Value), options.Value.Database);
        return DataServices.InitializeDatabaseAsync(services, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
