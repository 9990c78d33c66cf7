namespace Bulwark.Core.TrustedPublishing;

/// <summary>
/// Whether a verified token's claims are those a publisher requires. Pure functions: the lookup keys say which
/// publishers to load, <see cref="Mismatch"/> decides for each (null: it matches; otherwise why not, in words a CI
/// log reader can act on).
/// </summary>
public static class PublisherMatching
{
    /// <summary>
    /// The identity keys (<see cref="PublisherSpec.KeyHash"/>) of the GitHub and GitLab publishers that could match:
    /// the workflow named by the token, with the token's environment and without one. Empty for generic issuers,
    /// whose publishers are found by issuer.
    /// </summary>
    public static IReadOnlyList<string> CandidateKeys(VerifiedToken token)
    {
        var issuer = token.Issuer;
        var (repository, workflow) = issuer.Kind switch
        {
            PublisherKind.GitHub => (token["repository"], GitHubWorkflowFile(token)),
            PublisherKind.GitLab => (token["project_path"], GitLabConfigPath(token)),
            _ => (null, null),
        };
        if (repository is null || workflow is null) return [];
        var environment = token["environment"];
        var keys = new List<string> { new PublisherSpec(issuer.Kind, issuer.Url, repository, workflow, null, null, null, []).KeyHash };
        if (environment is not null) keys.Add(new PublisherSpec(issuer.Kind, issuer.Url, repository, workflow, environment, null, null, []).KeyHash);
        return keys;
    }

    /// <summary>Null when <paramref name="token"/> satisfies every requirement of <paramref name="publisher"/>.</summary>
    public static string? Mismatch(PublisherSpec publisher, VerifiedToken token, string indexAudience)
    {
        if (token.Issuer.Url != publisher.Issuer || token.Issuer.Kind != publisher.Kind) return "the token comes from another issuer";
        return publisher.Kind switch
        {
            PublisherKind.GitHub => GitHub(publisher, token),
            PublisherKind.GitLab => GitLab(publisher, token),
            _ => Generic(publisher, token, indexAudience),
        };
    }

    private static string? GitHub(PublisherSpec p, VerifiedToken t)
    {
        if (Missing(t, "sub", "repository", "repository_owner", "repository_owner_id", "job_workflow_ref") is { } missing) return missing;
        var repository = t["repository"]!;
        if (!repository.Equals(p.Repository, StringComparison.OrdinalIgnoreCase)) return $"the token is for repository '{repository}', the publisher names '{p.Repository}'";
        if (!repository.StartsWith(t["repository_owner"] + "/", StringComparison.OrdinalIgnoreCase)) return "the token's repository and repository_owner claims disagree";
        // sub is "repo:OWNER/REPO:..."; its first two parts must name the same repository.
        if (!t.Subject.StartsWith($"repo:{repository}:", StringComparison.OrdinalIgnoreCase)) return $"the token's sub '{t.Subject}' is not for repository '{repository}'";
        if (p.RepositoryOwnerId is { } ownerId && t["repository_owner_id"] != ownerId)
        {
            return $"the repository owner's id is {t["repository_owner_id"]}, the publisher is pinned to owner id {ownerId} (was the owner renamed or re-registered?)";
        }
        // pull_request_target runs in the base repository with its permissions, often on code from a fork.
        if (t["event_name"] == "pull_request_target") return "workflows triggered by pull_request_target cannot publish";
        var refs = new[] { t["ref"], t["sha"] }.OfType<string>().ToList();
        if (refs.Count == 0) return "the token has neither a ref nor a sha claim";
        var prefix = $"{repository}/.github/workflows/{p.WorkflowPath}@";
        var jobWorkflowRef = t["job_workflow_ref"]!;
        if (!refs.Any(r => jobWorkflowRef.Equals(prefix + r, StringComparison.Ordinal)))
        {
            return $"the job runs workflow '{jobWorkflowRef}', the publisher expects '{prefix}{refs[0]}'";
        }
        return Environment(p, t, StringComparison.OrdinalIgnoreCase);
    }

    private static string? GitLab(PublisherSpec p, VerifiedToken t)
    {
        if (Missing(t, "sub", "project_path", "ci_config_ref_uri") is { } missing) return missing;
        var path = t["project_path"]!;
        if (!path.Equals(p.Repository, StringComparison.OrdinalIgnoreCase)) return $"the token is for project '{path}', the publisher names '{p.Repository}'";
        if (!t.Subject.StartsWith($"project_path:{path}:", StringComparison.OrdinalIgnoreCase)) return $"the token's sub '{t.Subject}' is not for project '{path}'";
        var refs = new[] { t["ref_path"], t["sha"] }.OfType<string>().ToList();
        if (refs.Count == 0) return "the token has neither a ref_path nor a sha claim";
        // ci_config_ref_uri is "HOST/GROUP/PROJECT//PATH@REF" with HOST the GitLab instance.
        var prefix = $"{t.Issuer.Authority}/{path}//{p.WorkflowPath}@";
        var configRef = t["ci_config_ref_uri"]!;
        if (!refs.Any(r => configRef.Equals(prefix + r, StringComparison.Ordinal)))
        {
            return $"the pipeline runs CI configuration '{configRef}', the publisher expects '{prefix}{refs[0]}'";
        }
        return Environment(p, t, StringComparison.Ordinal);
    }

    private static string? Generic(PublisherSpec p, VerifiedToken t, string indexAudience)
    {
        var audience = p.Audience ?? indexAudience;
        if (t.Audience != audience) return $"the token's audience is '{t.Audience}', the publisher expects '{audience}'";
        foreach (var requirement in p.RequiredClaims)
        {
            var eq = requirement.IndexOf('=');
            var (name, value) = (requirement[..eq], requirement[(eq + 1)..]);
            if (t[name] != value) return t[name] is null ? $"the token has no {name} claim" : $"the token's {name} is '{t[name]}', the publisher requires '{value}'";
        }
        return null;
    }

    private static string? Environment(PublisherSpec p, VerifiedToken t, StringComparison comparison)
    {
        if (p.Environment is null) return null;
        var environment = t["environment"];
        if (environment is null) return $"the job does not run in an environment; the publisher requires environment '{p.Environment}'";
        return environment.Equals(p.Environment, comparison) ? null : $"the job runs in environment '{environment}', the publisher requires '{p.Environment}'";
    }

    private static string? Missing(VerifiedToken t, params string[] names) =>
        names.FirstOrDefault(n => t[n] is null) is { } name ? $"the token has no {name} claim" : null;

    /// <summary>The workflow file of <c>OWNER/REPO/.github/workflows/FILE@REF</c>.</summary>
    internal static string? GitHubWorkflowFile(VerifiedToken t)
    {
        var (repository, jobWorkflowRef) = (t["repository"], t["job_workflow_ref"]);
        if (repository is null || jobWorkflowRef is null) return null;
        var prefix = repository + "/.github/workflows/";
        if (!jobWorkflowRef.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return null;
        var rest = jobWorkflowRef[prefix.Length..];
        var at = rest.IndexOf('@');
        return at <= 0 ? null : rest[..at];
    }

    /// <summary>The configuration path of <c>HOST/GROUP/PROJECT//PATH@REF</c>.</summary>
    internal static string? GitLabConfigPath(VerifiedToken t)
    {
        var (path, configRef) = (t["project_path"], t["ci_config_ref_uri"]);
        if (path is null || configRef is null) return null;
        var prefix = $"{t.Issuer.Authority}/{path}//";
        if (!configRef.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return null;
        var rest = configRef[prefix.Length..];
        var at = rest.LastIndexOf('@');
        return at <= 0 ? null : rest[..at];
    }
}
