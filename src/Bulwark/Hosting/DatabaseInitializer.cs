namespace Bulwark.Hosting;

/// <summary>Applies migrations before the server starts listening, so a first start needs no setup.</summary>
public sealed class DatabaseInitializer(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => DataServices.InitializeDatabaseAsync(services, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
