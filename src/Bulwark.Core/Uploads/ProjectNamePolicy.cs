using System.Reflection;
using Bulwark.Core.Data;
using Bulwark.Core.Outcomes;
using Bulwark.Core.Packaging;
using Bulwark.Core.Moderation;
using Bulwark.Core.Moderation.Typosquats;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Bulwark.Core.Uploads;

/// <summary>
/// Decides whether a new project may take a name (Warehouse's create-project checks). Where Warehouse says
/// only "too similar", Bulwark names the existing project, so an honest author knows what to change.
/// </summary>
public sealed class ProjectNamePolicy(BulwarkDbContext db, ServerProtectedNames? protectedNames = null, IOptions<ModerationOptions>? moderation = null)
{
    private static readonly Lazy<HashSet<string>> StdlibNames = new(LoadStdlibNames);

    public async Task<Refusal?> CheckNewNameAsync(string name, CancellationToken ct)
    {
        if (!ProjectName.IsValid(name))
        {
            return Refusal.Invalid($"The name '{name}' is invalid.", "name");
        }
        var normalized = ProjectName.Normalize(name);
        var prohibited = await db.ProhibitedProjectNames.AsNoTracking().FirstOrDefaultAsync(p => p.NormalizedName == normalized, ct);
        if (prohibited is not null)
        {
            return Refusal.Invalid($"The name '{name}' isn't allowed.", "name");
        }
        if (StdlibNames.Value.Contains(normalized))
        {
            return Refusal.Invalid($"The name '{name}' isn't allowed (conflict with Python Standard Library module name).", "name");
        }
        var ultra = ProjectName.Ultranormalize(name);
        var similar = await db.Projects.AsNoTracking()
            .Where(p => p.UltranormalizedName == ultra && p.NormalizedName != normalized)
            .Select(p => p.Name).FirstOrDefaultAsync(ct);
        if (similar is not null)
        {
            return Refusal.Invalid($"The name '{name}' is too similar to an existing project, '{similar}'.", "name");
        }
        // Last, and before the file is read: a blocked typosquat costs the uploader no bandwidth and the index no disk.
        var verdict = await TyposquatVerdictAsync(name, ct);
        if (verdict.Verdict == NameAction.Block)
        {
            var contact = moderation?.Value.ContactText ?? "the index administrators";
            return Refusal.Invalid(
                $"The name '{name}' is too similar to the protected project '{verdict.SimilarTo}' (rule: {verdict.Rule}). " +
                $"If this is a different project, choose another name or ask {contact} for an exception.", "name");
        }
        return null;
    }

    /// <summary>
    /// The typosquat verdict for a new project's name against the server's protected set (<see cref="NameVerdict.Ok"/>
    /// when no set is configured). Creation refuses <see cref="NameAction.Block"/> through <see cref="CheckNewNameAsync"/>;
    /// <see cref="TyposquatHold"/> acts on <see cref="NameAction.Hold"/>.
    /// </summary>
    public async Task<NameVerdict> TyposquatVerdictAsync(string name, CancellationToken ct)
    {
        if (protectedNames is null) return NameVerdict.Ok;
        var check = await protectedNames.GetAsync(db, ct);
        return check.Check(name);
    }

    private static HashSet<string> LoadStdlibNames()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Bulwark.Core.Packaging.Data.stdlib-modules.txt")
            ?? throw new InvalidOperationException("The standard-library name list is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            names.Add(ProjectName.Normalize(line.Trim('_', '-', '.')));
        }
        return names;
    }
}
