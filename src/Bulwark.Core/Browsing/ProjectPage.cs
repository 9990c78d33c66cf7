using Bulwark.Core.Data;
using Bulwark.Core.Packaging;
using Bulwark.Core.Readmes;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Browsing;

public sealed record ReleaseRow(long Id, string Version, DateTimeOffset CreatedAt, bool Yanked, string? YankedReason, bool IsPrerelease) : IVersioned;

public sealed record FileRow(long Id, string Filename, PackageType PackageType, string PythonVersion, long Size, string Sha256, string? RequiresPython, DateTimeOffset UploadedAt, string BlobPath)
{
    /// <summary>The download path (the blob store's content-addressed layout, served under /files/).</summary>
    public string Url => "/files/" + BlobPath;
}

public sealed record ProjectLink(string Label, string Url);

public sealed record MaintainerRow(string Username, ProjectRoleKind Role);

/// <summary>The release a page shows in full: its metadata and files.</summary>
public sealed class ReleaseDetail
{
    public required Release Release { get; init; }
    public required IReadOnlyList<FileRow> Files { get; init; }

    /// <summary>The description as stored at upload; null when the page did not ask for it.</summary>
    public DescriptionView? Description { get; init; }

    /// <summary>Home page, download URL and Project-URL entries; only http(s) URLs, so none can run script.</summary>
    public IReadOnlyList<ProjectLink> Links
    {
        get
        {
            var links = new List<ProjectLink>();
            if (IsWebUrl(Release.HomePage)) links.Add(new("Homepage", Release.HomePage!));
            foreach (var entry in Release.ProjectUrls)
            {
                var comma = entry.IndexOf(',');
                if (comma <= 0) continue;
                var url = entry[(comma + 1)..].Trim();
                if (IsWebUrl(url)) links.Add(new(entry[..comma].Trim(), url));
            }
            if (IsWebUrl(Release.DownloadUrl)) links.Add(new("Download", Release.DownloadUrl!));
            return links;
        }
    }

    /// <summary>License, author and Python requirement, as label and text; only the ones the release declares.</summary>
    public IReadOnlyList<(string Term, string Value)> Meta
    {
        get
        {
            var meta = new List<(string, string)>();
            // A full license text in License is common; only a short one fits the sidebar.
            if ((Release.LicenseExpression ?? Release.License) is { Length: > 0 and <= 100 } license) meta.Add(("License", license));
            if (AuthorName() is { } author) meta.Add(("Author", author));
            if (Release.RequiresPython is { Length: > 0 } requires) meta.Add(("Requires", "Python " + requires));
            return meta;
        }
    }

    /// <summary>Author, or the name part of Author-email ("Name &lt;address&gt;"); addresses are not shown.</summary>
    private string? AuthorName()
    {
        if (!string.IsNullOrWhiteSpace(Release.Author)) return Release.Author.Trim();
        if (string.IsNullOrWhiteSpace(Release.AuthorEmail)) return null;
        var names = Release.AuthorEmail.Split(',')
            .Select(part => part.Trim())
            .Select(part => part.Contains('<') ? part[..part.IndexOf('<')].Trim().Trim('"') : "")
            .Where(n => n.Length > 0)
            .ToList();
        return names.Count > 0 ? string.Join(", ", names) : null;
    }

    private static bool IsWebUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp);
}

public sealed class ProjectView
{
    public required Project Project { get; init; }
    public required IReadOnlyList<ReleaseRow> Releases { get; init; }
    public required IReadOnlyList<MaintainerRow> Maintainers { get; init; }
    public ReleaseDetail? Selected { get; init; }
    public string? LatestVersion { get; init; }
    public bool IsLatest => Selected is not null && Selected.Release.Version == LatestVersion;
}

/// <summary>Loads what the public project and release pages show. Quarantined projects and releases are not public.</summary>
public sealed class ProjectPages(BulwarkDbContext db, ReleaseDescriptions descriptions)
{
    /// <summary>The public page of a project or release: <see cref="LoadAsync"/> with the release's description.</summary>
    public async Task<ProjectView?> LoadWithDescriptionAsync(string name, string? version, CancellationToken ct = default)
    {
        var view = await LoadAsync(name, version, ct);
        if (view?.Selected is not { } selected) return view;
        var described = new ReleaseDetail { Release = selected.Release, Files = selected.Files, Description = await descriptions.ForPageAsync(selected.Release, ct) };
        return new ProjectView
        {
            Project = view.Project,
            Releases = view.Releases,
            Maintainers = view.Maintainers,
            Selected = described,
            LatestVersion = view.LatestVersion,
        };
    }

    /// <param name="version">A specific version, or null for the latest.</param>
    public async Task<ProjectView?> LoadAsync(string name, string? version, CancellationToken ct = default)
    {
        var normalized = ProjectName.Normalize(name);
        var project = await db.Projects.AsNoTracking()
            .FirstOrDefaultAsync(p => p.NormalizedName == normalized && p.Lifecycle != ProjectLifecycle.Quarantined, ct);
        if (project is null) return null;

        var releases = ReleaseOrdering.NewestFirst(await db.Releases.AsNoTracking()
            .Where(r => r.ProjectId == project.Id && r.Lifecycle == ReleaseLifecycle.Active)
            .Select(r => new ReleaseRow(r.Id, r.Version, r.CreatedAt, r.Yanked, r.YankedReason, r.IsPrerelease))
            .ToListAsync(ct));
        var latest = ReleaseOrdering.Latest(releases);

        ReleaseRow? chosen = latest;
        if (version is not null)
        {
            var canonical = Pep440Version.TryParse(version, out var parsed) ? parsed.CanonicalForm : version;
            var ids = await db.Releases.AsNoTracking()
                .Where(r => r.ProjectId == project.Id && (r.CanonicalVersion == canonical || r.Version == version))
                .Select(r => r.Id).ToListAsync(ct);
            chosen = releases.FirstOrDefault(r => ids.Contains(r.Id));
            if (chosen is null) return null;
        }

        var maintainers = await db.ProjectRoles.AsNoTracking()
            .Where(r => r.ProjectId == project.Id)
            .OrderBy(r => r.Role).ThenBy(r => r.User.Username)
            .Select(r => new MaintainerRow(r.User.Username, r.Role))
            .ToListAsync(ct);

        return new ProjectView
        {
            Project = project,
            Releases = releases,
            Maintainers = maintainers,
            Selected = chosen is null ? null : await DetailAsync(chosen.Id, ct),
            LatestVersion = latest?.Version,
        };
    }

    private async Task<ReleaseDetail> DetailAsync(long releaseId, CancellationToken ct)
    {
        var release = await db.Releases.AsNoTracking().FirstAsync(r => r.Id == releaseId, ct);
        var files = await db.Files.AsNoTracking()
            .Where(f => f.ReleaseId == releaseId)
            .OrderBy(f => f.PackageType).ThenBy(f => f.Filename)
            .Select(f => new FileRow(f.Id, f.Filename, f.PackageType, f.PythonVersion, f.Size, f.Sha256Digest, f.RequiresPython, f.UploadedAt, f.BlobPath))
            .ToListAsync(ct);
        return new ReleaseDetail { Release = release, Files = files };
    }
}
