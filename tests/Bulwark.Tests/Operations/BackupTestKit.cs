using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.Runtime;
using Bulwark.Cli;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace Bulwark.Tests.Operations;

/// <summary>What the backup and restore tests share: running verbs on given settings, the server a restore produced, and the comparisons.</summary>
internal static class BackupTestKit
{
    /// <summary>
    /// A server on a restored data directory and database, on the object store of <paramref name="storage"/> settings
    /// (with the local S3 server's credentials) or on local disk when there are none.
    /// </summary>
    public sealed class RestoredServer(DatabaseKind database, string dataDirectory, string? postgres,
        IReadOnlyDictionary<string, string?>? storage = null) : BulwarkServer(database, dataDirectory)
    {
        protected override Task<string> CreatePostgresDatabaseAsync() => Task.FromResult(postgres!);

        protected override IEnumerable<KeyValuePair<string, string>> Settings =>
            (storage ?? new Dictionary<string, string?>()).Where(kv => kv.Value is not null).Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value!));

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            if (storage is not null) builder.ConfigureServices(services => services.AddSingleton<AWSCredentials>(S3TestServer.Credentials));
        }
    }

    /// <summary>Settings for the verbs: a data directory, a database, and optionally the storage settings to add.</summary>
    public static Dictionary<string, string?> Settings(DatabaseKind database, string dataDirectory, string? postgres,
        IReadOnlyDictionary<string, string?>? storage = null)
    {
        var settings = new Dictionary<string, string?> { ["Bulwark:DataDirectory"] = dataDirectory, ["Bulwark:Database"] = database.ToString() };
        if (postgres is not null) settings["ConnectionStrings:Bulwark"] = postgres;
        foreach (var (key, value) in storage ?? new Dictionary<string, string?>()) settings[key] = value;
        return settings;
    }

    /// <summary>Runs a verb in-process; with <paramref name="s3"/> its object store gets the local S3 server's credentials.</summary>
    public static async Task<(int Exit, string Out, string Err)> CliAsync(ITestOutputHelper output, IReadOnlyDictionary<string, string?> settings,
        bool s3, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(args, stdout, stderr, settings: settings,
            services: s3 ? services => services.AddSingleton<AWSCredentials>(S3TestServer.Credentials) : null);
        output.WriteLine($"$ {string.Join(' ', args)} -> {exit}\n{stdout}{stderr}");
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public static string TempDirectory() => Path.Combine(Path.GetTempPath(), "bulwark-tests", "backup-" + Guid.NewGuid().ToString("N"));

    public static async Task<string> PageAsync(HttpClient client, string path, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Runs <paramref name="work"/> (a backup) while <paramref name="page"/> is read over and over; at least one read is served.</summary>
    public static async Task<T> WhileServingAsync<T>(HttpClient client, string page, Func<Task<T>> work)
    {
        using var serving = new CancellationTokenSource();
        var reads = Task.Run(async () =>
        {
            var served = 0;
            while (!serving.IsCancellationRequested)
            {
                await PageAsync(client, page);
                served++;
            }
            return served;
        });
        var result = await work();
        await serving.CancelAsync();
        Assert.True(await reads > 0);
        return result;
    }

    public const string SimpleJson = "application/vnd.pypi.simple.v1+json";

    public sealed record Account(long Id, string Username, string Email, string? PasswordHash, bool IsAdmin);

    public static Task<List<Account>> AccountsAsync(BulwarkServer s) => s.WithDbAsync(db => db.Users.AsNoTracking().OrderBy(u => u.Id)
        .Select(u => new Account(u.Id, u.Username, u.Email, u.PasswordHash, u.IsAdmin)).ToListAsync());

    public static Task<List<string>> FactorsAsync(BulwarkServer s) => s.WithDbAsync(async db =>
    {
        var tokens = await db.ApiTokens.AsNoTracking().OrderBy(t => t.Id).Select(t => new { t.Id, t.UserId, t.SecretHash, t.RevokedAt }).ToListAsync();
        var keys = await db.WebAuthnCredentials.AsNoTracking().OrderBy(c => c.Id).Select(c => new { c.UserId, c.CredentialId, c.PublicKey }).ToListAsync();
        var codes = await db.RecoveryCodes.AsNoTracking().OrderBy(c => c.Id).Select(c => new { c.Salt, c.Hash }).ToListAsync();
        return tokens.Select(t => $"token {t.Id} {t.UserId} {Convert.ToHexString(t.SecretHash)} {t.RevokedAt}")
            .Concat(keys.Select(k => $"key {k.UserId} {Convert.ToHexString(k.CredentialId)} {Convert.ToHexString(k.PublicKey)}"))
            .Concat(codes.Select(c => $"code {Convert.ToHexString(c.Salt)} {Convert.ToHexString(c.Hash)}")).ToList();
    });

    /// <summary>
    /// The simple pages of <paramref name="projects"/> (HTML and JSON) are the same on both servers, and every file the
    /// restored JSON page lists downloads from the restored server with the sha256 the page states and the source's bytes.
    /// </summary>
    public static async Task AssertSameProjectsAsync(HttpClient source, HttpClient restored, IEnumerable<string> projects)
    {
        foreach (var name in projects)
        {
            Assert.Equal(await PageAsync(source, $"/simple/{name}/"), await PageAsync(restored, $"/simple/{name}/"));
            var json = await PageAsync(restored, $"/simple/{name}/", SimpleJson);
            Assert.Equal(await PageAsync(source, $"/simple/{name}/", SimpleJson), json);
            using var page = JsonDocument.Parse(json);
            var files = page.RootElement.GetProperty("files").EnumerateArray().ToList();
            Assert.NotEmpty(files);
            foreach (var file in files)
            {
                var url = new Uri(new Uri($"http://localhost/simple/{name}/"), file.GetProperty("url").GetString()).PathAndQuery;
                var bytes = await restored.GetByteArrayAsync(url);
                Assert.Equal(file.GetProperty("hashes").GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
                Assert.Equal(await source.GetByteArrayAsync(url), bytes);
            }
        }
    }

    /// <summary>The tables of a PostgreSQL database outside the system schemas (a failed restore must leave none).</summary>
    public static async Task<List<string>> PostgresTablesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')", connection);
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        return tables;
    }
}
