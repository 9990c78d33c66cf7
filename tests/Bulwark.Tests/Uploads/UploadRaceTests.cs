using System.Net;
using Bulwark.Core.Packaging;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Uploads;

/// <summary>
/// Concurrent uploads that collide: the same filename many times at once (one wins, every other is told the file
/// exists, nothing is half-written), and many distinct files to a project that does not exist yet (it is created
/// once, with one owner).
/// </summary>
public abstract class UploadRaceTests<TServer>(TServer server) : UploadTestBase<TServer>(server) where TServer : BulwarkServer
{
    private const int SameFilename = 50;
    private const int DistinctFiles = 200;

    [Fact]
    public async Task Many_uploads_of_one_filename_one_wins_the_rest_get_a_clear_400()
    {
        var name = UniqueName("race-same");
        var token = await Server.CreateTokenAsync("race-same-uploader");
        // Different bytes under the same filename (the description differs): an identical re-upload is a 200 by design.
        var forms = Enumerable.Range(0, SameFilename)
            .Select(i => UploadForm.For(new TestDistributions.Spec(name, "1.0") { Description = $"attempt {i}" })).ToList();
        var responses = await Task.WhenAll(forms.Select(f => UploadAsync(f, token)));

        var statuses = responses.Select(r => $"{(int)r.StatusCode} {r.ReasonPhrase}").ToList();
        Assert.True(responses.All(r => (int)r.StatusCode < 500), string.Join("; ", statuses.Distinct()));
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) == 1, string.Join("; ", statuses.Distinct()));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r =>
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.StartsWith("File already exists", r.ReasonPhrase);
        });
        var filename = forms[0].Filename;
        Assert.Equal(1, await Server.WithDbAsync(db => db.Files.CountAsync(f => f.Filename == filename)));
        Assert.Single(await Server.ListBlobsAsync(), b => b.Path.EndsWith("/" + filename, StringComparison.Ordinal));
        Assert.Empty(Server.TempFiles());
    }

    // The uploads that lose the race to create the project land in the project the winner created (they used to
    // get 409 "created by another upload at the same moment", and on PostgreSQL some a 500).
    [Fact]
    public async Task Many_distinct_files_to_a_new_project_create_it_once()
    {
        var name = UniqueName("race-new");
        var token = await Server.CreateTokenAsync("race-new-uploader");
        var forms = Enumerable.Range(0, DistinctFiles)
            .Select(i => UploadForm.For(new TestDistributions.Spec(name, $"1.{i}"))).ToList();
        var responses = await Task.WhenAll(forms.Select(f => UploadAsync(f, token)));

        var failures = responses.Where(r => r.StatusCode != HttpStatusCode.OK).Select(r => $"{(int)r.StatusCode} {r.ReasonPhrase}").ToList();
        Assert.True(failures.Count == 0, string.Join("; ", failures.Distinct()));
        var normalized = ProjectName.Normalize(name);
        await Server.WithDbAsync(async db =>
        {
            var projects = await db.Projects.Where(p => p.NormalizedName == normalized).Select(p => p.Id).ToListAsync();
            var id = Assert.Single(projects);
            Assert.Single(await db.ProjectRoles.Where(r => r.ProjectId == id).ToListAsync());
            Assert.Equal(DistinctFiles, await db.Files.CountAsync(f => f.ProjectId == id));
            return 0;
        });
    }
}

public sealed class UploadRaceTestsSqlite(SqliteServer s) : UploadRaceTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class UploadRaceTestsPostgres(PostgresServer s) : UploadRaceTests<PostgresServer>(s), IClassFixture<PostgresServer>;
