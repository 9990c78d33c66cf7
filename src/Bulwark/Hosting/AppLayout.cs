using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace Bulwark.Hosting;

/// <summary>
/// Where Bulwark finds its own files and the operator's, whatever directory it was started from.
/// </summary>
/// <remarks>
/// <para>Bulwark's own files (the web assets under <c>wwwroot</c> and the shipped <c>appsettings.json</c> with the
/// default log levels) live next to <c>Bulwark.dll</c>: in the publish folder, or in <c>bin/</c> of a build. The
/// content root is that directory, never the working directory: systemd starts services in <c>/</c> and container
/// runtimes in whatever <c>WORKDIR</c> says, and a content root there served no scripts or styles.</para>
/// <para>A build (not a publish) has no <c>wwwroot</c> next to the assembly; its static web assets manifest names
/// the project's own <c>wwwroot</c>, and <see cref="UseWebAssets"/> serves from there.</para>
/// <para>The operator's state stays relative to the working directory, as documented: the default data directory
/// <c>./data</c>, and an <c>appsettings.json</c> there, read on top of the shipped one.</para>
/// </remarks>
public static class AppLayout
{
    /// <summary>The directory holding Bulwark.dll and, once published, <c>wwwroot</c>.</summary>
    public static string AppDirectory => AppContext.BaseDirectory;

    /// <summary>Options for the web host: content root in <see cref="AppDirectory"/>.</summary>
    public static WebApplicationOptions WebOptions(string[] args) => new() { Args = args, ContentRootPath = AppDirectory };

    /// <summary>Settings for the admin verbs' host: the same content root, so they read the same files as the server.</summary>
    public static HostApplicationBuilderSettings CliSettings() => new() { ContentRootPath = AppDirectory };

    /// <summary>
    /// Serves the web assets of a build (not a publish), from any working directory: the static web assets manifest
    /// of the build points at the project's <c>wwwroot</c>. In Development the host does this by itself; a publish
    /// has its <c>wwwroot</c> next to the assembly and no such manifest.
    /// </summary>
    public static void UseWebAssets(WebApplicationBuilder builder)
    {
        if (builder.Environment.IsDevelopment()) return;
        if (Directory.Exists(Path.Combine(builder.Environment.ContentRootPath, "wwwroot"))) return;
        var manifest = Path.Combine(AppDirectory, $"{builder.Environment.ApplicationName}.staticwebassets.runtime.json");
        if (File.Exists(manifest)) builder.WebHost.UseStaticWebAssets();
    }

    /// <summary>
    /// Adds <c>appsettings.json</c> (and <c>appsettings.{Environment}.json</c>) from the working directory, when that
    /// is not the content root, right after the shipped files: it overrides them, and environment variables and the
    /// command line still override it. Read once at start, as the shipped files are (no file watching).
    /// </summary>
    public static void AddWorkingDirectorySettings(IConfigurationManager configuration, IHostEnvironment environment)
    {
        var workingDirectory = Path.GetFullPath(Environment.CurrentDirectory);
        if (SameDirectory(workingDirectory, environment.ContentRootPath)) return;
        var sources = configuration.Sources;
        // The working directory's files go right after the last of the shipped ones (before user secrets,
        // environment variables and the command line); were there none, first of all, so that they never
        // override anything set explicitly.
        var shipped = sources.Select((s, i) => (s, i))
            .Where(p => p.s is JsonConfigurationSource { Path: { } path } && path.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase))
            .Select(p => p.i).DefaultIfEmpty(-1).Max();
        var at = shipped + 1;
        var provider = new PhysicalFileProvider(workingDirectory);
        foreach (var file in new[] { "appsettings.json", $"appsettings.{environment.EnvironmentName}.json" })
        {
            sources.Insert(at++, new JsonConfigurationSource { Path = file, Optional = true, ReloadOnChange = false, FileProvider = provider });
        }
    }

    private static bool SameDirectory(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)),
            OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
