using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bulwark.Core.Audit;

/// <summary>
/// The canonical form of an audit event and its SHA-256, the links of the audit log's hash chain.
/// </summary>
/// <remarks>
/// The form is a versioned list of fields, one per line, in a fixed order: id, time (UTC, microseconds, fixed
/// format), type number, subject user id, acting user id, project id, IP address, user agent, token id, details
/// text, previous hash. Text fields are written as their UTF-8 byte length, a colon and the bytes, so no value
/// (a user agent with a newline, a details text that imitates the next field) can make two different events
/// read alike; a missing value is a single <c>-</c>, distinct from an empty string (<c>0:</c>). Nothing here
/// depends on culture, JSON encoders or the database: both providers and every runtime produce the same bytes.
/// </remarks>
public static class AuditChainHash
{
    /// <summary>The previous hash of the first event of a chain.</summary>
    public static readonly string Genesis = new('0', 64);

    private static ReadOnlySpan<byte> Version => "bulwark-audit-chain-1\n"u8;

    /// <summary>Times are hashed, and stored, in whole microseconds (PostgreSQL's precision), always UTC.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset t) =>
        new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);

    public static string Compute(AuditEvent e) =>
        Compute(e.Id, e.OccurredAt.UtcTicks, (int)e.Type, e.UserId, e.ActorUserId, e.ProjectId, e.IpAddress, e.UserAgent, e.TokenId, e.Details,
            e.PreviousHash ?? throw new InvalidOperationException("An audit event is hashed with its previous hash."));

    /// <summary>The hash (lowercase hex) of one event; <paramref name="utcTicks"/> is truncated to microseconds.</summary>
    public static string Compute(long id, long utcTicks, int type, long? userId, long? actorUserId, long? projectId,
        string? ip, string? userAgent, Guid? tokenId, string? details, string previousHash)
    {
        var writer = new ArrayBufferWriter<byte>(512);
        writer.Write(Version);
        Number(writer, id);
        Time(writer, utcTicks);
        Number(writer, type);
        Number(writer, userId);
        Number(writer, actorUserId);
        Number(writer, projectId);
        Text(writer, ip);
        Text(writer, userAgent);
        Text(writer, tokenId?.ToString("D"));
        Text(writer, details);
        Text(writer, previousHash);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(writer.WrittenSpan, hash);
        return Convert.ToHexStringLower(hash);
    }

    private static void Number(ArrayBufferWriter<byte> w, long? value)
    {
        var span = w.GetSpan(24);
        if (value is not { } v)
        {
            span[0] = (byte)'-';
            span[1] = (byte)'\n';
            w.Advance(2);
            return;
        }
        Utf8Formatter.TryFormat(v, span, out var n);
        span[n] = (byte)'\n';
        w.Advance(n + 1);
    }

    private static void Time(ArrayBufferWriter<byte> w, long utcTicks)
    {
        var t = new DateTime(utcTicks - utcTicks % 10, DateTimeKind.Utc);
        var span = w.GetSpan(32);
        t.TryFormat(span, out var n, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        span[n] = (byte)'\n';
        w.Advance(n + 1);
    }

    private static void Text(ArrayBufferWriter<byte> w, string? value)
    {
        if (value is null)
        {
            w.Write("-\n"u8);
            return;
        }
        var length = Encoding.UTF8.GetByteCount(value);
        var span = w.GetSpan(length + 24);
        Utf8Formatter.TryFormat(length, span, out var n);
        span[n++] = (byte)':';
        n += Encoding.UTF8.GetBytes(value, span[n..]);
        span[n] = (byte)'\n';
        w.Advance(n + 1);
    }
}
