using System.Net;
using Bulwark.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Tests.Uploads;

/// <summary>Each way an upload is refused: the status, the message in the reason phrase and the body, and no state left behind.</summary>
public abstract class UploadRefusalTests<TServer>(TServer server) : UploadTestBase<TServer>(server) where TServer : BulwarkServer
{
    private async Task<(string Name, string Token, TestDistributions.Spec Spec)> FreshAsync()
    {
        var name = UniqueName();
        var token = await Server.CreateTokenAsync("u" + name[^8..]);
        return (name, token, new TestDistributions.Spec(name, "1.0"));
    }

    private async Task AssertNothingStoredAsync(string name)
    {
        var normalized = Bulwark.Core.Packaging.ProjectName.Normalize(name);
        Assert.False(await Server.WithDbAsync(db => db.Projects.AnyAsync(p => p.NormalizedName == normalized)), "no project row");
        Assert.Empty(Server.TempFiles());
        var stem = "/" + TestDistributions.Escape(name) + "-";
        Assert.DoesNotContain(await Server.ListBlobsAsync(), b => b.Path.Contains(stem, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task No_credentials_is_403()
    {
        var (name, _, spec) = await FreshAsync();
        var client = Server.CreateClient();
        var response = await client.PostAsync("/legacy/", UploadForm.For(spec).ToContent());
        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, "Invalid or non-existent authentication information.");
        await AssertNothingStoredAsync(name);
    }

    [Fact]
    public async Task Username_and_password_are_refused_with_the_migration_message()
    {
        var (name, _, spec) = await FreshAsync();
        var client = Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/legacy/") { Content = UploadForm.For(spec).ToContent() };
        request.Headers.Authorization = UploadForm.Basic("alice", "hunter2hunter2");
        await AssertRefusedAsync(await client.SendAsync(request), HttpStatusCode.Forbidden, "Username/Password authentication is no longer supported.");
        await AssertNothingStoredAsync(name);
    }

    [Theory]
    [InlineData("pypi-AgEIcHlwaS5vcmc")]
    [InlineData("bulwark_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA00000000")]
    public async Task Unknown_or_malformed_token_is_403(string token)
    {
        var (name, _, spec) = await FreshAsync();
        await AssertRefusedAsync(await UploadAsync(UploadForm.For(spec), token), HttpStatusCode.Forbidden, "Invalid API Token: the token is not recognised.");
        await AssertNothingStoredAsync(name);
    }

    [Fact]
    public async Task Token_with_a_tampered_secret_is_403()
    {
        var (name, token, spec) = await FreshAsync();
        var tampered = token[..20] + (token[20] == 'A' ? 'B' : 'A') + token[21..];
        await AssertRefusedAsync(await UploadAsync(UploadForm.For(spec), tampered), HttpStatusCode.Forbidden, "Invalid API Token");
        await AssertNothingStoredAsync(name);
    }

    [Fact]
    public async Task Expired_token_is_403_and_says_so()
    {
        var name = UniqueName();
        var token = await Server.CreateTokenAsync("exp" + name[^8..], expires: DateTimeOffset.UtcNow.AddSeconds(-1));
        await AssertRefusedAsync(await UploadAsync(UploadForm.For(new(name, "1.0")), token), HttpStatusCode.Forbidden, "Invalid API Token: the token expired at");
        await AssertNothingStoredAsync(name);
    }

    [Fact]
    public async Task Project_scoped_token_cannot_create_or_upload_to_another_project()
    {
        var name = UniqueName();
        var token = await Server.CreateTokenAsync("scoped" + name[^8..], projects: ["some-other-project"]);
        await AssertRefusedAsync(await UploadAsync(UploadForm.For(new(name, "1.0")), token), HttpStatusCode.Forbidden,
            $"Invalid API Token: project-scoped token is not valid for project: '{name}'");
        await AssertNothingStoredAsync(name);
    }

    [Fact]
    public async Task Uploading_to_someone_elses_project_names_user_and_project()
    {
        var (name, ownerToken, spec) = await FreshAsync();
        await AssertOkAsync(await UploadAsync(UploadForm.For(spec), ownerToken));
        var intruder = "intruder" + name[^6..];
        var intruderToken = await Server.CreateTokenAsync(intruder);
        await AssertRefusedAsync(await UploadAsync(UploadForm.For(spec with { Version = "2.0" }), intruderToken), HttpStatusCode.Forbidden,
            $"The user '{intruder}' isn't allowed to upload to project '{name}'.");
    }

    [Fact]
    public async Task Unknown_protocol_version()
    {
        var (name, token, spec) = await FreshAsync();
        await AssertRefusedAsync(await UploadAsync(UploadForm.For(spec).Set("protocol_version", "2"), token), HttpStatusCode.BadRequest, "Unknown protocol version.");
        await AssertNothingStoredAsync(name);
    }

    [Fact]
    public async Task Repeated_single_valued_field()
    {
        var (name, token, spec) = await FreshAsync();
        await AssertRefusedAsync(await UploadAsync(UploadForm.For(spec).Add("version", "2.0"), token), HttpStatusCode.BadRequest, "version: Should not be a tuple.");
        await AssertNothingStoredAsync(name);
    }

    [Theory]
    [InlineData("name", "-bad-", "'-bad-' is an invalid value for Name.")]
    [InlineData("version", "1.0+local", "The use of local versions in '1.0+local' is not allowed.")]
    [InlineData("version", "not a version", "'not a version' is an invalid value for Version.")]
    [InlineData("filetype", "bdist_egg", "'bdist_egg' is an invalid value for filetype. Error: Unknown type of file.")]
    [InlineData("sha256_digest", "xyz", "'xyz' is an invalid value for sha256_digest.")]
    public async Task Invalid_form_values(string field, string value, string message)
    {
        var (name, token, spec) = await FreshAsync();
        await AssertRefusedAsync(await UploadAsync(UploadForm.For(spec).Set(field, value), token), HttpStatusCode.BadRequest, message);
        await AssertNothingStoredAsync(name);
    }

    [Fact]
    public async Task Sdist_with_a_binary_pyversion()
    {
        var (name, token, spec) = await FreshAsync();
        await AssertRefusedAsync(await UploadAsync(UploadForm.For(spec, wheel: false).Set("pyversion", "py3"), token), HttpStatusCode.BadRequest,
            "The only valid Python version for a sdist is 'source'.");
        await AssertNothingStoredAsync(name);
    }

    [Fact]
    public async Task Wheel_without_pyversion()
    {
        var (name, token, spec) = await FreshAsync();
        await AssertRefusedAsync(await UploadAsync(UploadForm.For(spec).Remove("pyversion"), token), HttpStatusCode.BadRequest,
            "Python version is required for binary distribution uploads.");
    }

    [Fact]
    public async Task No_digest_at_all()
    {
        var (name, token, spec) = await FreshAsync();
        await AssertRefusedAsync(await UploadAsync(UploadForm.For(spec).Remove("sha256_digest").Remove("md5_digest"), token), HttpStatusCode.BadRequest,
            "Include at least one message digest.");
        await AssertNothingStoredAsync(name);
    }

    [Theory]
    [InlineData("sha256_digest")]
    [InlineData("md5_digest")]
    [InlineData("blake2_256_digest")]
    public async Task Digest_that_does_not_match_the_file(string field)
    {
        var (name, token, spec) = await FreshAsync();
        var wrong = field == "md5_digest" ? new string('0', 32) : new string('0', 64);
        await AssertRefusedAsync(await UploadAsync(UploadForm.For(spec).Set(field, wrong), token), HttpStatusCode.BadRequest,
            "The digest supplied does not match a digest calculated from the uploaded file.");
        await AssertNothingStoredAsync(name);
    }

    [Fact]
    public async Task Missing_file_part()
    {
        var (name, token, spec) = await FreshAsync();
        var form = UploadForm.For(spec);
        form.IncludeFile = false;
        await AssertRefusedAsync(await UploadAsync(form, token), HttpStatusCode.BadRequest, "Upload payload does not have a file.");
        await AssertNothingStoredAsync(name);
    }

    [Fact]
    public async Task Image_content_type_is_not_a_distribution()
    {
        var (name, token, spec) = await FreshAsync();
        var form = UploadForm.For(spec);
        form.ContentType = "image/png";
        await AssertRefusedAsync(await UploadAsync(form, token), HttpStatusCode.BadRequest, "Invalid distribution file.");
        await AssertNothingStoredAsync(name);
    }

    [Theory]
    [InlineData("evil/../x-1.0-py3-none-any.whl", "Cannot upload a file with '/' or '\\' in the name.")]
    [InlineData("{0}-1.0.exe", "Invalid file extension: Use .tar.gz, .whl or .zip extension.")]
    [InlineData("{0}-1.0-py3-none-plan9_amd64.whl", "Binary wheel '{0}-1.0-py3-none-plan9_amd64.whl' has an unsupported platform tag 'plan9_amd64'.")]
    [InlineData("{0}-2.0-py3-none-any.whl", "Version in filename should be '1.0' not '2.0'.")]
    [InlineData("other_name-1.0-py3-none-any.whl", "Start filename for")]
    public async Task Bad_filenames(string filenameFormat, string messageFormat)
    {
        var (name, token, spec) = await FreshAsync();
        var escaped = TestDistributions.Escape(name);
        var form = UploadForm.For(spec);
        form.Filename = string.Format(filenameFormat, escaped);
        await AssertRefusedAsync(await UploadAsync(form, token), HttpStatusCode.BadRequest, string.Format(messageFormat, escaped));
        await AssertNothingStoredAsync(name);
    }

    [Fact]
    public async Task Sdist_not_named_per_pep_625()
    {
        var (name, token, spec) = await FreshAsync();
        var form = UploadForm.For(spec, wheel: false);
        form.Filename = $"{name.ToUpperInvariant()}-1.0.tar.gz";
        await AssertRefusedAsync(await UploadAsync(form, token), HttpStatusCode.BadRequest, $"Filename '{form.Filename}' is invalid, should be '{TestDistributions.Escape(name)}-1.0.tar.gz'.");
        await AssertNothingStoredAsync(name);
    }

    [Fact]
    public async Task A_file_that_is_not_an_archive_is_refused()
    {
        var (name, token, spec) = await FreshAsync();
        var form = UploadForm.For(spec);
        form.Content = "this is not a zip file"u8.ToArray();
        form.Set("sha256_digest", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(form.Content)))
            .Set("md5_digest", Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(form.Content)));
        await AssertRefusedAsync(await UploadAsync(form, token), HttpStatusCode.BadRequest, "Invalid distribution file.");
        await AssertNothingStoredAsync(name);
    }

    [Fact]
    public async Task Metadata_in_the_file_must_agree_with_the_form()
    {
        var (name, token, spec) = await FreshAsync();
        // The wheel's METADATA says another project; the form and filename say this one.
        var form = UploadForm.For(spec);
        var other = spec with { Name = name + "-other" };
        form.Content = RenameDistInfo(TestDistributions.Wheel(other), other.Prefix, spec.Prefix);
        form.Set("sha256_digest", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(form.Content)))
            .Set("md5_digest", Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(form.Content)));
        var response = await UploadAsync(form, token);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(name + "-other", response.ReasonPhrase);
        await AssertNothingStoredAsync(name);
    }

    private static byte[] RenameDistInfo(byte[] wheel, string from, string to)
    {
        using var input = new System.IO.Compression.ZipArchive(new MemoryStream(wheel));
        using var ms = new MemoryStream();
        using (var output = new System.IO.Compression.ZipArchive(ms, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in input.Entries)
            {
                var copy = output.CreateEntry(entry.FullName.Replace(from + ".dist-info", to + ".dist-info"));
                using var src = entry.Open();
                using var dst = copy.Open();
                src.CopyTo(dst);
            }
        }
        return ms.ToArray();
    }

    [Theory]
    [InlineData("os")]
    [InlineData("Asyncio")]
    public async Task Standard_library_names_are_refused(string name)
    {
        var token = await Server.CreateTokenAsync("stdlib" + Guid.NewGuid().ToString("N")[..6]);
        await AssertRefusedAsync(await UploadAsync(UploadForm.For(new(name, "1.0")), token), HttpStatusCode.BadRequest,
            $"The name '{name}' isn't allowed (conflict with Python Standard Library module name).");
    }

    [Fact]
    public async Task Too_similar_names_name_the_existing_project()
    {
        var stem = "sim" + Guid.NewGuid().ToString("N")[..6].Replace('l', 'x').Replace('i', 'x').Replace('o', 'x').Replace('0', '2').Replace('1', '2');
        var token = await Server.CreateTokenAsync("sim" + stem[^6..]);
        await AssertOkAsync(await UploadAsync(UploadForm.For(new($"{stem}-io", "1.0")), token));
        await AssertRefusedAsync(await UploadAsync(UploadForm.For(new($"{stem}_10", "1.0")), token), HttpStatusCode.BadRequest,
            $"The name '{stem}_10' is too similar to an existing project, '{stem}-io'.");
    }

    [Fact]
    public async Task A_filename_once_used_can_never_be_used_again()
    {
        var (name, token, spec) = await FreshAsync();
        await AssertOkAsync(await UploadAsync(UploadForm.For(spec), token));
        // Simulate removal: the file row goes, the registration stays.
        await Server.WithDbAsync(async db =>
        {
            await db.Files.Where(f => f.Filename == spec.WheelFilename).ExecuteDeleteAsync();
            return 0;
        });
        await AssertRefusedAsync(await UploadAsync(UploadForm.For(spec with { Summary = "new bytes" }), token), HttpStatusCode.BadRequest,
            "This filename was previously used by a file that has since been deleted. Use a different version.");
    }
}

public sealed class UploadRefusalTestsSqlite(SqliteServer s) : UploadRefusalTests<SqliteServer>(s), IClassFixture<SqliteServer>;

public sealed class UploadRefusalTestsPostgres(PostgresServer s) : UploadRefusalTests<PostgresServer>(s), IClassFixture<PostgresServer>;

/// <summary>Every refusal again with the files in object storage: still nothing stored, in the bucket or on disk.</summary>
public sealed class UploadRefusalTestsS3(S3PostgresServer s) : UploadRefusalTests<S3PostgresServer>(s), IClassFixture<S3PostgresServer>;
