using System.Net;
using Bulwark.Hosting;
using Bulwark.Tests.Infrastructure;

namespace Bulwark.Tests.Uploads;

public sealed class LegacySdistServer() : BulwarkServer(DatabaseKind.Sqlite)
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Bulwark:Uploads:AcceptLegacySdistNames", "true")];
}

public sealed class LegacySdistNameTests(LegacySdistServer server) : UploadTestBase<LegacySdistServer>(server), IClassFixture<LegacySdistServer>
{
    [Fact]
    public async Task Pre_pep_625_sdist_names_are_accepted_when_the_operator_allows_them()
    {
        var name = UniqueName("legacy-name");
        var token = await Server.CreateTokenAsync("leg" + name[^6..]);
        var form = UploadForm.For(new TestDistributions.Spec(name, "1.0.0"), wheel: false);
        form.Filename = $"{name}-1.0.0.tar.gz"; // dashes kept, as setuptools < 69 writes it
        await AssertOkAsync(await UploadAsync(form, token));
    }

    [Fact]
    public async Task Even_then_the_name_must_be_the_project()
    {
        var name = UniqueName("legacy-name");
        var token = await Server.CreateTokenAsync("leh" + name[^6..]);
        var form = UploadForm.For(new TestDistributions.Spec(name, "1.0.0"), wheel: false);
        form.Filename = "someone-else-1.0.0.tar.gz";
        var response = await UploadAsync(form, token);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("Start filename for", response.ReasonPhrase);
    }
}
