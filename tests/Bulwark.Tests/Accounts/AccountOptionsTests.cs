using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests.Accounts;

public class AccountOptionsTests
{
    private sealed class ConfiguredServer(string key, string value) : BulwarkServer(DatabaseKind.Sqlite)
    {
        protected override IEnumerable<KeyValuePair<string, string>> Settings => [new(key, value)];
    }

    [Theory]
    [InlineData("Bulwark:Accounts:Sessions:AbsoluteLifetime", "1.00:00:00", "Bulwark:Accounts:Sessions")]
    [InlineData("Bulwark:Accounts:Sessions:IdleTimeout", "02:00:00", "Bulwark:Accounts:Sessions")]
    [InlineData("Bulwark:Accounts:Links:ResetPasswordLifetime", "1.00:00:00", "Bulwark:Accounts:Links")]
    [InlineData("Bulwark:Accounts:Throttling:AccountFailuresPer5Minutes", "50", "Bulwark:Accounts:Throttling")]
    [InlineData("Bulwark:Email:Mode", "Smtp", "Bulwark:Email:Smtp:Host is empty")]
    [InlineData("Bulwark:Email:From", "not an address", "Bulwark:Email:From")]
    public async Task Settings_outside_the_baseline_stop_the_server_at_start(string key, string value, string message)
    {
        var server = new ConfiguredServer(key, value);
        var error = await Record.ExceptionAsync(() => ((IAsyncLifetime)server).InitializeAsync());
        Assert.NotNull(error);
        Assert.Contains(message, error.ToString());
        try { await ((IAsyncLifetime)server).DisposeAsync(); } catch (Exception) { /* the host never started */ }
    }

    [Fact]
    public async Task Tighter_settings_than_the_baseline_are_accepted()
    {
        var server = new ConfiguredServer("Bulwark:Accounts:Sessions:IdleTimeout", "00:15:00");
        await ((IAsyncLifetime)server).InitializeAsync();
        var options = server.Services.GetService(typeof(Bulwark.Core.Accounts.SessionOptions)) as Bulwark.Core.Accounts.SessionOptions;
        Assert.Equal(TimeSpan.FromMinutes(15), options!.IdleTimeout);
        await ((IAsyncLifetime)server).DisposeAsync();
    }
}
