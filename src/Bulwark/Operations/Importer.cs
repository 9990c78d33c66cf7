using Bulwark.Core.Accounts;
using Bulwark.Core.Accounts.ApiTokens;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Bulwark.Core.Packaging.Archives;
using Bulwark.Core.Storage;
using Bulwark.Core.Uploads;
using Bulwark.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Operations;

/// <summary>What happened to one file offered to <c>import</c>.</summary>
public enum ImportResult
{
    Imported,
    /// <summary>The identical file is already in the index (a re-run, or a copy in another folder).</summary>
    Skipped,
    Refused,
}

/// <summary>One file's result; <paramref name="Reason"/> says why it was refused (or held).</summary>
public sealed record ImportItem(string Filename, ImportResult Result, string? Reason = null);

/// <summary>The account the imported projects belong to, and the short-lived token the imports go through.</summary>
public sealed record ImportOwner(long UserId, Guid TokenId);

/// <summary>
/// Brings existing distribution files into the index through the upload pipeline itself: the metadata is read
/// from each file by the upload's own inspection, and <see cref="UploadService"/> runs every check an upload runs
/// (names, filenames, metadata, sizes, the malware scan) and commits the same way. Filenames and bytes are
/// kept, so the hashes are too. The owner needs no password or token: the operator runs this, and a token of the
/// owner's, minted for the run and revoked after it, is what the audit trail names as the uploader's credential.
/// </summary>
public sealed class Importer(IServiceScopeFactory scopes, IBlobStore blobs, IOptions<BulwarkOptions> options, TimeProvider time)
{
    /// <summary>The file types an old index may hold that are not wheels or sdists (refused by name, not ignored).</summary>
    private static readonly string[] OtherDistributions = [".egg", ".exe", ".msi", ".rpm", ".dmg", ".tar.bz2", ".tar.xz", ".tgz", ".tar", ".deb"];

    /// <summary>Whether a file in a directory is a distribution at all (signatures, listings and notes are not offered).</summary>
    public static bool IsDistributionName(string filename) =>
        TypeOf(filename) is not null || OtherDistributions.Any(e => filename.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    private static PackageType? TypeOf(string filename) =>
        filename.EndsWith(".whl", StringComparison.Ordinal) ? PackageType.BdistWheel
        : filename.EndsWith(".tar.gz", StringComparison.Ordinal) || filename.EndsWith(".zip", StringComparison.Ordinal) ? PackageType.Sdist
        : null;

    public async Task<Outcome<ImportOwner>> StartAsync(string username, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserService>().FindByUsernameAsync(username, ct);
        if (user is null) return Refusal.NotFound($"There is no user '{username}'; create the owner first ('user add').");
        var created = await scope.ServiceProvider.GetRequiredService<ApiTokenService>().CreateAsync(user, "import", [],
            time.GetUtcNow().AddDays(1), Actor.Cli("import"), ct);
        return new ImportOwner(user.Id, created.Entity.Id);
    }

    public async Task FinishAsync(ImportOwner owner, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<BulwarkDbContext>();
        var token = await db.ApiTokens.SingleAsync(t => t.Id == owner.TokenId, ct);
        await scope.ServiceProvider.GetRequiredService<ApiTokenService>().RevokeAsync(token, Actor.Cli("import"), ct);
    }

    /// <summary>
    /// Imports one file. <paramref name="fetch"/> writes its bytes to the temp path it is given (null when it
    /// did, else why not); <paramref name="listedSha256"/> is the digest a source index published, checked
    /// before anything is fetched (an existing file of that name) and after (the bytes that arrived).
    /// </summary>
    public async Task<ImportItem> ImportAsync(ImportOwner owner, string filename, string? listedSha256,
        Func<string, CancellationToken, Task<Refusal?>> fetch, CancellationToken ct)
    {
        if (TypeOf(filename) is not { } type)
            return new ImportItem(filename, ImportResult.Refused, "not a wheel or an sdist (.whl, .tar.gz, .zip); Bulwark, like PyPI, takes no other kinds");
        await using var scope = scopes.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<BulwarkDbContext>();
        var existing = await db.Files.AsNoTracking().Where(f => f.Filename == filename).Select(f => f.Sha256Digest).FirstOrDefaultAsync(ct);
        if (existing is not null && listedSha256 is not null) return Existing(filename, existing, listedSha256);

        Directory.CreateDirectory(blobs.TempDirectory);
        var temp = Path.Combine(blobs.TempDirectory, Guid.NewGuid().ToString("N") + ".import");
        try
        {
            if (await fetch(temp, ct) is { } failed) return new ImportItem(filename, ImportResult.Refused, failed.Message);
            var (size, digests) = await HashAsync(temp, ct);
            if (listedSha256 is not null && !string.Equals(listedSha256, digests.Sha256, StringComparison.OrdinalIgnoreCase))
                return new ImportItem(filename, ImportResult.Refused, $"the bytes hash to sha256 {digests.Sha256}, the source lists {listedSha256}");
            if (existing is not null) return Existing(filename, existing, digests.Sha256);

            // The name, version and metadata version the upload form would carry, read from the file by the
            // upload's own inspection; the commit stores the file's metadata, never these fields.
            var inspected = DistributionInspector.Inspect(temp, filename, type);
            if (!inspected.IsValid) return new ImportItem(filename, ImportResult.Refused, inspected.Error);
            var fields = Fields(inspected.Metadata, filename, type, digests.Sha256);
            var who = new UploadIdentity(await db.Users.SingleAsync(u => u.Id == owner.UserId, ct),
                await db.ApiTokens.SingleAsync(t => t.Id == owner.TokenId, ct), Actor.Cli("import"));
            var uploads = sp.GetRequiredService<UploadService>();
            var limits = new UploadLimits(options.Value.Uploads.MaxFileSize, options.Value.Uploads.MaxProjectSize);
            if (!(await uploads.PrepareAsync(who, fields, filename, null, limits, ct)).TryGetValue(out var plan, out var refused))
                return new ImportItem(filename, ImportResult.Refused, refused.Message);
            if (size > plan.MaxBytes) return new ImportItem(filename, ImportResult.Refused, UploadService.TooLarge(plan, limits).Message);
            if (!(await uploads.CompleteAsync(plan, new ReceivedFile(temp, size, digests), ct)).TryGetValue(out var stored, out refused))
                return new ImportItem(filename, ImportResult.Refused, refused.Message);
            return stored switch
            {
                UploadSuccess.AlreadyStored => new ImportItem(filename, ImportResult.Skipped),
                UploadSuccess.Held => new ImportItem(filename, ImportResult.Imported, "held for review: the malware scan flagged it and its release is quarantined"),
                _ => new ImportItem(filename, ImportResult.Imported),
            };
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static ImportItem Existing(string filename, string stored, string offered) =>
        string.Equals(stored, offered, StringComparison.OrdinalIgnoreCase)
            ? new ImportItem(filename, ImportResult.Skipped)
            : new ImportItem(filename, ImportResult.Refused, $"the index already holds a different file of this name (sha256 {stored})");

    private static UploadFields Fields(Core.Packaging.Metadata.CoreMetadata metadata, string filename, PackageType type, string sha256)
    {
        var fields = new UploadFields();
        fields.Add(":action", "file_upload");
        fields.Add("protocol_version", "1");
        fields.Add("name", metadata.Name);
        fields.Add("version", metadata.Version);
        fields.Add("metadata_version", metadata.MetadataVersion);
        fields.Add("filetype", type == PackageType.Sdist ? "sdist" : "bdist_wheel");
        // A wheel's python tag is the third field from the end of its name (PEP 427); an sdist's is "source".
        fields.Add("pyversion", type == PackageType.Sdist ? "source" : filename[..^4].Split('-')[^3]);
        fields.Add("sha256_digest", sha256);
        return fields;
    }

    private static async Task<(long Size, FileDigests Digests)> HashAsync(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return await MultiHasher.HashAsync(stream, ct);
    }
}
