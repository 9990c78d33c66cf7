using Bulwark.Cli;
using Bulwark.Hosting;

namespace Bulwark;

public partial class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (!CommandLine.IsServe(args))
        {
            return await CommandLine.RunAsync(args);
        }

        var serveArgs = args.Length > 0 && args[0] == "serve" ? args[1..] : args;
        if (CommandLine.StrayServerArgument(serveArgs) is { } stray)
        {
            return await CommandLine.RefuseServerArgumentAsync(stray);
        }
        var app = BulwarkApp.Build(serveArgs);
        await app.RunAsync();
        return 0;
    }
}
