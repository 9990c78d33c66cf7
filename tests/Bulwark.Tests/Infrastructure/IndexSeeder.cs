using System.Security.Cryptography;
using System.Text;
using Bulwark.Core.Data;
using Bulwark.Core.Index;
using Bulwark.Core.Packaging;
using Bulwark.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Tests.Infrastructure;

/// <summary>A release to put into the index the way an upload would: rows, blobs and a journal entry.</summary>
public sealed record ReleaseSeed(string Project, string Version)
{
    public string? RequiresPython { get; init; }
    public bool Yanked { get; init; }
    public string? YankedReason { get; init; }
    public ReleaseLifecycle Lifecycle { get; init; } = ReleaseLifecycle.Active;
    public bool Wheel { get; init; } = true;
    public bool Sdist { get; init; }
    /// <summary>Whether the wheel's METADATA is extracted and stored as <c>.metadata</c> (sdists never get one here).</summary>
    public bool WheelMetadata { get; init; } = true;
    public DateTimeOffset UploadedAt { get; init; } = new DateTimeOffset(2024, 3, 20, 13, 0, 33, TimeSpan.Zero).AddTicks(3_559_320);
    public Action<Release>? Configure { get; init; }
}

/// <summary>A stored file and the bytes it was made from.</summary>
public sealed record SeededFile(long Id, string Filename, byte[] Content, string Sha256, string BlobPath, string? Metadata, string? MetadataSha256)
{
    /// <summary>The site-relative URL path the file is served at.</summary>
    public string UrlPath => "/files/" + BlobPath;
}

/// <summary>Seeds the database and blob store directly, independent of the upload endpoint.</summary>
public static class IndexSeeder
{
    public static Task<IReadOnlyList<SeededFile>> SeedAsync(this BulwarkServer server, ReleaseSeed seed) =>
        server.WithScopeAsync<IReadOnlyList<SeededFile>>(async sp =>
        {
            var db = sp.GetRequiredService<BulwarkDbContext>();
            var index = sp.GetRequiredService<IndexWriter>();
            var blobs = sp.GetRequiredService<IBlobStore>();

            var normalized = ProjectName.Normalize(seed.Project);
            await using var tx = await index.BeginAsync();
            var project = await db.Projects.FirstOrDefaultAsync(p => p.NormalizedName == normalized);
            if (project is null)
            {
                project = new Project { Name = seed.Project, NormalizedName = normalized, CreatedAt = seed.UploadedAt };
                db.Projects.Add(project);
                await db.SaveChangesAsync();
            }

            _ = Pep440Version.TryParse(seed.Version, out var parsed); // seeds may carry invalid versions on purpose
            var release = new Release
            {
                ProjectId = project.Id,
                Version = seed.Version,
                CanonicalVersion = parsed?.CanonicalForm ?? seed.Version,
                IsPrerelease = parsed?.IsPrerelease ?? false,
                CreatedAt = seed.UploadedAt,
                Yanked = seed.Yanked,
                YankedReason = seed.YankedReason,
                Lifecycle = seed.Lifecycle,
                MetadataVersion = "2.1",
                Summary = "A test package",
                RequiresPython = seed.RequiresPython,
            };
            seed.Configure?.Invoke(release);
            db.Releases.Add(release);
            await db.SaveChangesAsync();

            var spec = new TestDistributions.Spec(seed.Project, seed.Version) { RequiresPython = seed.RequiresPython };
            var stored = new List<(ReleaseFile Row, byte[] Content, string? Metadata)>();
            if (seed.Wheel)
            {
                stored.Add(await StoreAsync(blobs, db, project, release, spec.WheelFilename, TestDistributions.Wheel(spec), PackageType.BdistWheel, "py3",
                    seed.WheelMetadata ? TestDistributions.Metadata(spec) : null, seed));
            }
            if (seed.Sdist)
            {
                stored.Add(await StoreAsync(blobs, db, project, release, spec.SdistFilename, TestDistributions.Sdist(spec), PackageType.Sdist, "source", null, seed));
            }
            await db.SaveChangesAsync();
            await index.AppendAsync(project, "new release", release.Version);
            await db.SaveChangesAsync();
            await tx.CommitAsync();
            return stored.Select(s => new SeededFile(s.Row.Id, s.Row.Filename, s.Content, s.Row.Sha256Digest, s.Row.BlobPath, s.Metadata, s.Row.MetadataSha256Digest)).ToList();
        });

    /// <summary>Seeds the release unless it exists already (for theories that share one fixture).</summary>
    public static async Task SeedOnceAsync(this BulwarkServer server, ReleaseSeed seed)
    {
        var normalized = ProjectName.Normalize(seed.Project);
        var exists = await server.WithDbAsync(db => db.Releases.AnyAsync(r => r.Project.NormalizedName == normalized && r.Version == seed.Version));
        if (!exists) await server.SeedAsync(seed);
    }

    /// <summary>Gives a user (created when missing) a role on a project, journaled as Warehouse journals role changes.</summary>
    public static Task AddRoleAsync(this BulwarkServer server, string projectName, string username, ProjectRoleKind role) =>
        server.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BulwarkDbContext>();
            var users = sp.GetRequiredService<Bulwark.Core.Accounts.UserService>();
            var user = await users.FindByUsernameAsync(username)
                ?? (await users.CreateAsync(username, $"{username}@example.com", null, false, true, new Bulwark.Core.Audit.Actor("test", "test"))).Value;
            var normalized = ProjectName.Normalize(projectName);
            var project = await db.Projects.SingleAsync(p => p.NormalizedName == normalized);
            var index = sp.GetRequiredService<IndexWriter>();
            await using var tx = await index.BeginAsync();
            db.ProjectRoles.Add(new ProjectRole { ProjectId = project.Id, UserId = user.Id, Role = role, CreatedAt = DateTimeOffset.UtcNow });
            await index.AppendAsync(project, $"add {role} {username}");
            await db.SaveChangesAsync();
            await tx.CommitAsync();
            return 0;
        });

    /// <summary>Moves a project in or out of quarantine, journaled like every index change.</summary>
    public static Task SetProjectLifecycleAsync(this BulwarkServer server, string projectName, ProjectLifecycle lifecycle) =>
        server.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<BulwarkDbContext>();
            var normalized = ProjectName.Normalize(projectName);
            var project = await db.Projects.SingleAsync(p => p.NormalizedName == normalized);
            var index = sp.GetRequiredService<IndexWriter>();
            await using var tx = await index.BeginAsync();
            project.Lifecycle = lifecycle;
            await index.AppendAsync(project, lifecycle == ProjectLifecycle.Quarantined ? "quarantine enter" : "quarantine exit");
            await db.SaveChangesAsync();
            await tx.CommitAsync();
            return 0;
        });

    private static async Task<(ReleaseFile, byte[], string?)> StoreAsync(IBlobStore blobs, BulwarkDbContext db, Project project, Release release,
        string filename, byte[] content, PackageType type, string pyversion, string? metadata, ReleaseSeed seed)
    {
        var digests = FileDigests.Compute(content);
        var path = digests.BlobPath(filename);
        await blobs.PutBytesAsync(path, content);
        var row = new ReleaseFile
        {
            ReleaseId = release.Id,
            ProjectId = project.Id,
            Filename = filename,
            PackageType = type,
            PythonVersion = pyversion,
            RequiresPython = seed.RequiresPython,
            Size = content.Length,
            Md5Digest = digests.Md5,
            Sha256Digest = digests.Sha256,
            Blake2b256Digest = digests.Blake2b256,
            BlobPath = path,
            UploadedAt = seed.UploadedAt,
        };
        if (metadata is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(metadata);
            await blobs.PutBytesAsync(path + ".metadata", bytes);
            row.MetadataSha256Digest = Convert.ToHexStringLower(SHA256.HashData(bytes));
            row.MetadataBlake2b256Digest = FileDigests.Compute(bytes).Blake2b256;
        }
        db.Files.Add(row);
        project.TotalSize += content.Length;
        return (row, content, metadata);
    }
}
