using Bulwark.Core.TrustedPublishing;

namespace Bulwark.Pages.Manage;

/// <summary>The fields of the "add a publisher" forms (project page and pending publishers), bound by name.</summary>
public sealed class PublisherForm
{
    public PublisherKind Provider { get; set; } = PublisherKind.GitHub;
    public string? Issuer { get; set; }
    public string? Repository { get; set; }
    public string? Workflow { get; set; }
    public string? Environment { get; set; }
    public string? OwnerId { get; set; }
    public string? Audience { get; set; }
    /// <summary>One <c>NAME=VALUE</c> per line.</summary>
    public string? Claims { get; set; }

    public PublisherSpec.Input ToInput() => new(Provider, Issuer, Repository, Workflow, Environment, OwnerId, Audience,
        (Claims ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
