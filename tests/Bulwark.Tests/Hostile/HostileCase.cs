namespace Bulwark.Tests.Hostile;

/// <summary>
/// One hostile request from the corpus and what Bulwark must answer. <see cref="Build"/> makes a fresh
/// request each time (a request message can be sent once). Names are unique across the corpus: they are
/// the theory's data, so a failure names the case.
/// </summary>
public sealed record HostileCase(string Family, string Name, Func<HostileContext, HttpRequestMessage> Build, HostileExpectation Expect)
{
    public string Id => $"{Family}/{Name}";

    public override string ToString() => Id;
}

/// <summary>
/// What an answer must look like. <see cref="Refused"/> is the common one: a 4xx whose reason phrase or
/// body contains <c>mentions</c> (case-insensitive), so the client is told what was wrong. <see cref="Accepted"/>
/// is for hostile input that Warehouse accepts too (a pathological README): the upload succeeds, and then the
/// project's page must answer 200 and show the text, rendered once at upload and never again per view.
/// </summary>
public sealed record HostileExpectation(IReadOnlyCollection<int> AllowedStatuses, string? Mentions)
{
    private static readonly int[] AnyClientError = Enumerable.Range(400, 100).ToArray();

    /// <summary>Set for an accepted upload: the page to check afterwards.</summary>
    public AcceptedPage? Page { get; init; }

    /// <summary>An upload that must succeed, after which <c>/project/PROJECT/</c> answers 200 and contains <paramref name="shows"/>.</summary>
    public static HostileExpectation Accepted(string project, string shows) => new([200], null) { Page = new(project, shows) };

    /// <summary>Any 4xx whose reason phrase or body mentions <paramref name="mentions"/>.</summary>
    public static HostileExpectation Refused(string? mentions) => new(AnyClientError, mentions);

    /// <summary>Exactly one of <paramref name="statuses"/> (for reads: 404, 416, 301...), optionally mentioning a text.</summary>
    public static HostileExpectation Status(string? mentions, params int[] statuses) => new(statuses, mentions);
}

/// <summary>The project an accepted hostile upload created, and a text its page must show.</summary>
public sealed record AcceptedPage(string Project, string Shows);

/// <summary>
/// What the cases may use: an existing project with one release, tokens scoped in different ways, and the
/// base form of a valid upload. Created once per server by <see cref="HostileCorpusTests{TServer}"/>.
/// </summary>
public sealed class HostileContext
{
    /// <summary>A project that exists, owned by <see cref="Owner"/>, with release 1.0 (a wheel).</summary>
    public required string ExistingProject { get; init; }

    public required string Owner { get; init; }

    /// <summary>A token of <see cref="Owner"/> with no project scope: may create new projects.</summary>
    public required string UnscopedToken { get; init; }

    /// <summary>A token of <see cref="Owner"/> scoped to <see cref="ExistingProject"/> only.</summary>
    public required string ProjectToken { get; init; }

    /// <summary>A token of another account, scoped to a project that account owns (not <see cref="ExistingProject"/>).</summary>
    public required string OtherProjectToken { get; init; }

    /// <summary>A fresh project name for a case that creates one (each call returns a new name).</summary>
    public string NewProjectName(string stem = "hostile") => $"{stem}-{Guid.NewGuid().ToString("N")[..10]}";
}
