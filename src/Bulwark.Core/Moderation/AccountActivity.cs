using System.Globalization;
using System.Text.Json;
using Bulwark.Core.Accounts;
using Bulwark.Core.Audit;
using Bulwark.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Core.Moderation;

/// <summary>
/// One thing an account did (or that was done to it) during a compromise window, read from the audit log.
/// Uploads carry the project, version, file and the API token that made them, so the responder can tell the
/// attacker's token from the owner's.
/// </summary>
public sealed record ActivityEvent(
    long Id,
    DateTimeOffset Time,
    string Type,
    string? Ip,
    string? UserAgent,
    Guid? TokenId,
    string? Project,
    string? Version,
    string? Filename,
    string? Factor,
    bool? NewDevice,
    string? Details);

/// <summary>
/// The compromise-window review (<c>user activity</c>, <c>/admin/users/{name}/activity</c>): everything the audit log
/// holds about an account since a moment, oldest first. The audit log is the source because it is the one record
/// that is hash-chained: an attacker who reached the database cannot quietly drop an upload from the review
/// without <c>audit verify</c> noticing.
/// </summary>
public sealed class AccountActivity(BulwarkDbContext db)
{
    /// <summary>The most events one review returns; a longer window is narrowed with a later <c>since</c>.</summary>
    public const int Limit = 10_000;

    public async Task<IReadOnlyList<ActivityEvent>> SinceAsync(User user, DateTimeOffset since, CancellationToken ct = default)
    {
        // Both the events about the account and those it did to others (an attacker inviting a collaborator is
        // recorded on the invitee's row with the account as actor).
        var rows = await db.AuditEvents.AsNoTracking()
            .Where(e => (e.UserId == user.Id || e.ActorUserId == user.Id) && e.OccurredAt >= since)
            .OrderBy(e => e.Id)
            .Take(Limit)
            .ToListAsync(ct);
        var projectIds = rows.Where(r => r.ProjectId is not null).Select(r => r.ProjectId!.Value).Distinct().ToList();
        var projects = await db.Projects.AsNoTracking().Where(p => projectIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        // Id order is the order the chain was written in; the time breaks no ties differently for one account.
        return rows.OrderBy(r => r.OccurredAt).ThenBy(r => r.Id).Select(r => ToEvent(r, projects)).ToList();
    }

    /// <summary>Reads the start of a window: ISO 8601, a time without an offset taken as UTC.</summary>
    public static bool TryParseSince(string? text, out DateTimeOffset since) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out since);

    private static ActivityEvent ToEvent(AuditEvent e, Dictionary<long, string> projects)
    {
        string? version = null, filename = null, factor = null;
        bool? newDevice = null;
        if (e.Details is { } json)
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                version = Text(root, "version");
                filename = Text(root, "filename");
                if (e.Type == AuditEventType.LoginSuccess)
                {
                    factor = Text(root, "method");
                    if (root.TryGetProperty("newDevice", out var nd) && nd.ValueKind is JsonValueKind.True or JsonValueKind.False) newDevice = nd.GetBoolean();
                }
                else if (e.Type is AuditEventType.FactorAdded or AuditEventType.FactorRemoved)
                {
                    factor = Text(root, "method");
                }
            }
        }
        var project = e.ProjectId is { } pid ? projects.GetValueOrDefault(pid) : null;
        return new ActivityEvent(e.Id, e.OccurredAt, TypeName(e.Type), e.IpAddress, e.UserAgent, e.TokenId, project, version, filename,
            factor, newDevice, e.Details);
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Short, stable names for the JSON lines; uploads are <c>upload</c> because that is what responders grep for.</summary>
    public static string TypeName(AuditEventType type) => type switch
    {
        AuditEventType.FileAdded => "upload",
        AuditEventType.LoginSuccess => "sign_in",
        _ => JsonNamingPolicy.SnakeCaseLower.ConvertName(type.ToString()),
    };
}
