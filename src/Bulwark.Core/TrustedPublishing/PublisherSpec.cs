using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Bulwark.Core.TrustedPublishing;

/// <summary>
/// A publisher as an owner describes it (web form or <c>project publisher add</c>), checked and normalized by
/// <see cref="Parse"/>. Everything the matcher compares is fixed here, so two descriptions of the same CI identity
/// give the same <see cref="IdentityKey"/> and therefore the same publisher row.
/// </summary>
public sealed partial record PublisherSpec(
    PublisherKind Kind,
    string Issuer,
    string? Repository,
    string? WorkflowPath,
    string? Environment,
    string? RepositoryOwnerId,
    string? Audience,
    IReadOnlyList<string> RequiredClaims)
{
    /// <summary>Claims checked by the token validation itself; a publisher cannot make them mean something else.</summary>
    private static readonly HashSet<string> ReservedClaims = new(StringComparer.Ordinal) { "iss", "aud", "exp", "iat", "nbf", "jti" };

    /// <summary>What a user typed, before checks.</summary>
    public sealed record Input(
        PublisherKind Kind,
        string? Issuer = null,
        string? Repository = null,
        string? Workflow = null,
        string? Environment = null,
        string? OwnerId = null,
        string? Audience = null,
        IReadOnlyList<string>? Claims = null);

    /// <summary>Checks <paramref name="input"/> against the provider's rules and the allowed issuers.</summary>
    public static (PublisherSpec? Spec, string? Error) Parse(Input input, OidcIssuers issuers)
    {
        var issuer = issuers.ForPublisher(input.Kind, input.Issuer);
        if (issuer is null)
        {
            return (null, input.Kind == PublisherKind.Oidc && string.IsNullOrWhiteSpace(input.Issuer)
                ? "A generic OIDC publisher needs the issuer URL."
                : $"The issuer '{input.Issuer}' is not allowed for {Name(input.Kind)} publishers on this index. The operator allows issuers with Bulwark:TrustedPublishing:Issuers:N:Url (and :Provider).");
        }
        var environment = Clean(input.Environment);
        if (environment is not null && (environment.Length > 255 || environment.Any(char.IsControl)))
        {
            return (null, "The environment name must be at most 255 printable characters.");
        }
        return input.Kind switch
        {
            PublisherKind.GitHub => GitHub(input, issuer.Url, environment),
            PublisherKind.GitLab => GitLab(input, issuer.Url, environment),
            _ => Generic(input, issuer.Url),
        };
    }

    private static (PublisherSpec?, string?) GitHub(Input input, string issuer, string? environment)
    {
        var repository = Clean(input.Repository);
        if (repository is null || !GitHubRepository().IsMatch(repository))
        {
            return (null, $"'{input.Repository}' is not a GitHub repository: give it as OWNER/REPO (letters, digits, '-', and for the repository also '.' and '_').");
        }
        var workflow = Clean(input.Workflow);
        if (workflow is not null && workflow.StartsWith(".github/workflows/", StringComparison.Ordinal)) workflow = workflow[".github/workflows/".Length..];
        if (workflow is null || !WorkflowFile().IsMatch(workflow))
        {
            return (null, $"'{input.Workflow}' is not a workflow file name: give the file name under .github/workflows/, e.g. release.yml.");
        }
        var ownerId = Clean(input.OwnerId);
        if (ownerId is not null && !OwnerId().IsMatch(ownerId))
        {
            return (null, $"'{input.OwnerId}' is not a GitHub owner id (the owner's numeric id, e.g. from https://api.github.com/users/OWNER).");
        }
        return (new PublisherSpec(PublisherKind.GitHub, issuer, repository, workflow, environment, ownerId, null, []), null);
    }

    private static (PublisherSpec?, string?) GitLab(Input input, string issuer, string? environment)
    {
        var path = Clean(input.Repository);
        if (path is null || path.Length > 255 || !GitLabPath().IsMatch(path))
        {
            return (null, $"'{input.Repository}' is not a GitLab project path: give it as GROUP/PROJECT (subgroups allowed).");
        }
        var config = Clean(input.Workflow);
        if (config is null || config.Length > 255 || config.StartsWith('/') || config.Split('/').Any(s => s is "" or "." or "..") || !CiConfig().IsMatch(config))
        {
            return (null, $"'{input.Workflow}' is not a CI configuration path: give the path of the file in the repository, e.g. .gitlab-ci.yml.");
        }
        return (new PublisherSpec(PublisherKind.GitLab, issuer, path, config, environment, null, null, []), null);
    }

    private static (PublisherSpec?, string?) Generic(Input input, string issuer)
    {
        var audience = Clean(input.Audience);
        if (audience is not null && (audience.Length > 255 || audience.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            return (null, "The audience must be at most 255 characters without spaces.");
        }
        var claims = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var raw in input.Claims ?? [])
        {
            var eq = raw.IndexOf('=');
            var name = eq <= 0 ? "" : raw[..eq].Trim();
            var value = eq <= 0 ? "" : raw[(eq + 1)..].Trim();
            if (!ClaimName().IsMatch(name) || value.Length is 0 or > 500 || value.Any(char.IsControl))
            {
                return (null, $"'{raw}' is not a claim requirement: give it as NAME=VALUE, e.g. sub=repo:team/project:ref:refs/heads/main.");
            }
            if (ReservedClaims.Contains(name))
            {
                return (null, $"The claim '{name}' is checked by Bulwark itself and cannot be required by a publisher.");
            }
            claims.Add(name + "=" + value);
        }
        // Without a claim of its own the publisher would accept every token of the issuer: every repository, every
        // user of that CI system.
        if (claims.Count == 0)
        {
            return (null, "A generic OIDC publisher needs at least one required claim (NAME=VALUE), such as sub or repository.");
        }
        return (new PublisherSpec(PublisherKind.Oidc, issuer, null, null, null, null, audience, claims.ToList()), null);
    }

    /// <summary>
    /// The identity of the CI workflow this describes. The GitHub owner id is not part of it: it is a property the
    /// publisher pins, so a spec with it and one without name the same publisher.
    /// </summary>
    public string IdentityKey => Kind switch
    {
        PublisherKind.GitHub => string.Join('\n', "github", Issuer, Repository!.ToLowerInvariant(), WorkflowPath, Environment?.ToLowerInvariant() ?? ""),
        PublisherKind.GitLab => string.Join('\n', "gitlab", Issuer, Repository!.ToLowerInvariant(), WorkflowPath, Environment ?? ""),
        _ => string.Join('\n', ["oidc", Issuer, Audience ?? "", .. RequiredClaims]),
    };

    /// <summary>The stored, indexed form of <see cref="IdentityKey"/>.</summary>
    public string KeyHash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(IdentityKey)));

    /// <summary>One line for pages, e-mails, audit details and the command line.</summary>
    public string Describe()
    {
        var env = Environment is null ? "" : $", environment {Environment}";
        var host = Issuer is OidcIssuers.GitHubUrl or OidcIssuers.GitLabUrl ? "" : $" at {Issuer}";
        return Kind switch
        {
            PublisherKind.GitHub => $"GitHub{host}: {Repository}, workflow {WorkflowPath}{env}",
            PublisherKind.GitLab => $"GitLab{host}: {Repository}, CI file {WorkflowPath}{env}",
            _ => $"OIDC {Issuer}: {string.Join(", ", RequiredClaims)}{(Audience is null ? "" : $", audience {Audience}")}",
        };
    }

    public static string Name(PublisherKind kind) => kind switch
    {
        PublisherKind.GitHub => "GitHub",
        PublisherKind.GitLab => "GitLab",
        _ => "generic OIDC",
    };

    private static string? Clean(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex GitHubRepository();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,200}\.ya?ml$")]
    private static partial Regex WorkflowFile();

    [GeneratedRegex("^[0-9]{1,20}$")]
    private static partial Regex OwnerId();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+$")]
    private static partial Regex GitLabPath();

    [GeneratedRegex(@"^[A-Za-z0-9_./@+-]+\.ya?ml$")]
    private static partial Regex CiConfig();

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,100}$")]
    private static partial Regex ClaimName();
}
