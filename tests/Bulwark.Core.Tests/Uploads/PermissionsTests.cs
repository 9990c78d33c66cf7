using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Bulwark.Core.TrustedPublishing;
using Bulwark.Core.Uploads;

namespace Bulwark.Core.Tests.Uploads;

/// <summary>Who may upload: token scope first, then a trusted publisher's grant, then the user's role.</summary>
public sealed class PermissionsTests
{
    private static readonly Project Existing = new() { Id = 7, Name = "Sample", NormalizedName = "sample" };

    private static UploadIdentity Who(params string[] scopes) => new(
        new User { Id = 1, Username = "alice", NormalizedUsername = "alice", Email = "alice@example.org" },
        new ApiToken { Name = "t", SecretHash = [1], ProjectScopes = [.. scopes] },
        new Actor("192.0.2.1", "test"));

    [Fact]
    public void A_maintainer_with_a_user_wide_token_may_upload() =>
        Assert.Null(Permissions.Check(Who(), Existing, "sample", ProjectRoleKind.Maintainer));

    [Fact]
    public void Anyone_with_a_user_wide_token_may_create_a_project() =>
        Assert.Null(Permissions.Check(Who(), null, "new-project", null));

    [Fact]
    public void A_user_without_a_role_is_forbidden_and_named()
    {
        var refusal = Permissions.Check(Who(), Existing, "sample", null);
        Assert.NotNull(refusal);
        Assert.Equal(RefusalKind.Forbidden, refusal.Kind);
        Assert.Equal("The user 'alice' isn't allowed to upload to project 'Sample'.", refusal.Message);
    }

    [Fact]
    public void A_scoped_token_works_for_its_project_under_any_spelling() =>
        Assert.Null(Permissions.Check(Who("sample"), Existing, "SAMPLE", ProjectRoleKind.Owner));

    [Fact]
    public void A_scoped_token_is_refused_outside_its_project_even_for_an_owner()
    {
        var refusal = Permissions.Check(Who("other"), Existing, "sample", ProjectRoleKind.Owner);
        Assert.NotNull(refusal);
        Assert.Equal(RefusalKind.Forbidden, refusal.Kind);
        Assert.Equal("Invalid API Token: project-scoped token is not valid for project: 'Sample'", refusal.Message);
    }

    [Fact]
    public void A_scoped_token_cannot_create_a_project()
    {
        var refusal = Permissions.Check(Who("other"), null, "brand-new", null);
        Assert.NotNull(refusal);
        Assert.Contains("'brand-new'", refusal.Message);
    }

    [Fact]
    public void A_trusted_publisher_may_upload_only_where_the_project_trusts_it()
    {
        var grant = new PublisherGrant(3, "GitHub org/repo", new HashSet<long> { Existing.Id });
        Assert.Null(Permissions.Check(Who("sample"), Existing, "sample", null, grant));

        var elsewhere = new PublisherGrant(3, "GitHub org/repo", new HashSet<long> { 99 });
        var refusal = Permissions.Check(Who("sample"), Existing, "sample", null, elsewhere);
        Assert.NotNull(refusal);
        Assert.Equal(RefusalKind.Forbidden, refusal.Kind);
        Assert.Equal("The trusted publisher (GitHub org/repo) is not registered for project 'Sample'.", refusal.Message);
    }

    [Fact]
    public void A_trusted_publisher_never_creates_a_project()
    {
        var grant = new PublisherGrant(3, "GitHub org/repo", new HashSet<long> { Existing.Id });
        Assert.NotNull(Permissions.Check(Who("brand-new"), null, "brand-new", null, grant));
    }
}
