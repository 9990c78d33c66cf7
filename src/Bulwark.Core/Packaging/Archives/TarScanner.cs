using System.Text;

namespace Bulwark.Core.Packaging.Archives;

/// <summary>A tar member that passed the policy: a regular file or a directory.</summary>
internal sealed record TarMember(string Name, bool IsDirectory, long Size);

/// <summary>
/// Reads a tar stream header by header with bounded buffers, never extracting anything. Only regular files and
/// directories are accepted: links, devices, FIFOs and sparse members have no place in a source distribution and
/// are how extraction escapes its directory or hides content. Where tar readers are known to disagree
/// (repeated extended headers, global headers that rename members, data after the end marker) the archive is
/// refused instead of picking one interpretation.
/// </summary>
internal sealed class TarScanner(Stream stream, ArchiveLimits limits, Func<string, bool> capture, int maxCaptures)
{
    private const int Block = 512;
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private readonly byte[] _header = new byte[Block];
    private readonly byte[] _skipBuffer = new byte[64 * 1024];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private long _offset;

    public List<TarMember> Members { get; } = [];

    /// <summary>Contents of the members <c>capture</c> selected, keyed by member name.</summary>
    public Dictionary<string, byte[]> Captured { get; } = new(StringComparer.Ordinal);

    public void Scan()
    {
        Dictionary<string, string>? pax = null;
        string? longName = null;
        var first = true;
        while (true)
        {
            var headerOffset = _offset;
            var read = stream.ReadAtLeast(_header, Block, throwOnEndOfStream: false);
            _offset += read;
            if (read == 0 && !first && pax is null && longName is null)
            {
                return; // No end marker: tolerated, nothing can follow.
            }

            if (read < Block)
            {
                throw Reject(first ? "File is not a tarfile" : "Truncated tar archive");
            }

            if (!_header.AsSpan().ContainsAnyExcept((byte)0))
            {
                if (first || pax is not null || longName is not null)
                {
                    throw Reject(first ? "File is not a tarfile" : "Truncated tar archive");
                }

                EnsureOnlyZerosRemain();
                return;
            }

            if (!PolyglotDetector.TarChecksumMatches(_header))
            {
                throw Reject(first ? "File is not a tarfile" : $"Corrupt tar header at offset {headerOffset}");
            }

            first = false;
            var type = (char)_header[156];
            var size = ParseNumber(124, 12, headerOffset);
            switch (type)
            {
                case 'x':
                    // Two extended headers for one member: readers disagree on which one applies.
                    pax = pax is null ? ParsePax(ReadSmall(size, headerOffset), headerOffset)
                        : throw Reject($"Repeated extended header at offset {headerOffset}");
                    continue;
                case 'g':
                    var global = ParsePax(ReadSmall(size, headerOffset), headerOffset);
                    // Global headers apply to every later member in some readers and to none in others.
                    if (global.Keys.Any(k => k is "path" or "linkpath" or "size" || k.StartsWith("GNU.sparse.", StringComparison.Ordinal)))
                    {
                        throw Reject($"Global extended header at offset {headerOffset} changes member names or sizes");
                    }

                    continue;
                case 'L':
                    longName = longName is null ? DecodeName(TrimNul(ReadSmall(size, headerOffset)))
                        : throw Reject($"Repeated extended header at offset {headerOffset}");
                    continue;
                case 'K':
                    ReadSmall(size, headerOffset); // The link it names is refused below.
                    continue;
            }

            var name = MemberName(pax, longName, headerOffset);
            if (pax is not null && pax.TryGetValue("size", out var paxSize))
            {
                size = long.TryParse(paxSize, System.Globalization.NumberStyles.None, null, out var s)
                    ? s : throw Reject($"Malformed pax header at offset {headerOffset}");
            }

            pax = null;
            longName = null;
            AddMember(name, type, size);
        }
    }

    private void AddMember(string name, char type, long size)
    {
        var display = Metadata.PyRepr.Str(name);
        // Old tars mark directories as plain files whose name ends with a slash.
        var isDirectory = type == '5' || (type == '\0' && name.EndsWith('/'));
        switch (type)
        {
            case '1': throw Reject($"Member {display} is a hard link");
            case '2': throw Reject($"Member {display} is a symbolic link");
            case '3' or '4': throw Reject($"Member {display} is a device file");
            case '6': throw Reject($"Member {display} is a FIFO");
            case 'S': throw SparseRejection();
            case '0' or '\0' or '5': break;
            default: throw Reject($"Member {display} has unsupported type {Metadata.PyRepr.Str(type.ToString())}");
        }

        // No member can hold more than the whole archive may inflate to. Refusing here also keeps the data
        // arithmetic below in range: a declared 2^63 - 1 plus its padding would overflow to a negative count,
        // skip nothing, and let a member with no data behind it pass as complete.
        if (size > limits.MaxUncompressedBytes)
        {
            throw Reject($"Member {display} declares a size of {size} bytes, more than the limit of {limits.MaxUncompressedBytes} bytes");
        }

        if (!isDirectory && name.EndsWith('/'))
        {
            throw Reject($"Member {display} is a file with a directory name");
        }

        if (MemberPath.Problem(name) is { } problem)
        {
            throw Reject($"Member {display} {problem}");
        }

        // Some readers skip a directory's declared data and some parse it as the next header.
        if (isDirectory && size != 0)
        {
            throw Reject($"Directory member {display} has a size");
        }

        if (!_names.Add(MemberPath.WithoutTrailingSlash(name)))
        {
            throw Reject($"Duplicate member name {display}");
        }

        if (Members.Count >= limits.MaxMembers)
        {
            throw new ArchiveRejectedException(
                $"Invalid distribution file. Archive has too many members (more than {limits.MaxMembers}).");
        }

        Members.Add(new TarMember(name, isDirectory, size));
        if (!isDirectory && Captured.Count < maxCaptures && capture(name))
        {
            if (size > limits.MaxMetadataBytes)
            {
                throw Reject($"{name} is larger than the limit of {limits.MaxMetadataBytes} bytes");
            }

            Captured[name] = ReadData(size);
        }
        else
        {
            SkipData(size);
        }
    }

    private string MemberName(Dictionary<string, string>? pax, string? longName, long headerOffset)
    {
        if (pax is not null && pax.Keys.Any(k => k.StartsWith("GNU.sparse.", StringComparison.Ordinal)))
        {
            throw SparseRejection();
        }

        var paxPath = pax?.GetValueOrDefault("path");
        if (paxPath is not null && longName is not null)
        {
            throw Reject($"Conflicting long names at offset {headerOffset}");
        }

        if ((paxPath ?? longName) is { } given)
        {
            return given;
        }

        var name = DecodeName(TrimNul(_header.AsSpan(0, 100)));
        var prefix = DecodeName(TrimNul(_header.AsSpan(345, 155)));
        return prefix.Length > 0 ? prefix + "/" + name : name;
    }

    private static ArchiveRejectedException SparseRejection() => new(
        "Invalid distribution file. tar archive not accepted: Sparse members are not allowed. " +
        "See https://docs.pypi.org/archives for more information");

    private long ParseNumber(int offset, int length, long headerOffset)
    {
        var field = _header.AsSpan(offset, length);
        if (field[0] == 0x80)
        {
            long value = 0;
            foreach (var b in field[1..])
            {
                value = value > (long.MaxValue >> 8) ? throw Reject($"Corrupt tar header at offset {headerOffset}") : (value << 8) | b;
            }

            return value;
        }

        return TryParseOctal(field) ?? throw Reject($"Corrupt tar header at offset {headerOffset}");
    }

    internal static long? TryParseOctal(ReadOnlySpan<byte> field)
    {
        var nul = field.IndexOf((byte)0);
        var text = (nul < 0 ? field : field[..nul]).Trim((byte)' ');
        long value = 0;
        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'7' || value > (long.MaxValue >> 3))
            {
                return null;
            }

            value = (value << 3) | (uint)(b - '0');
        }

        return value;
    }

    private Dictionary<string, string> ParsePax(byte[] data, long headerOffset)
    {
        var records = new Dictionary<string, string>(StringComparer.Ordinal);
        var span = data.AsSpan();
        while (span.Length > 0 && span[0] != 0)
        {
            var space = span.IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(span[..space], System.Globalization.NumberStyles.None, null, out var length)
                || length <= space + 2 || length > span.Length || span[length - 1] != '\n')
            {
                throw Reject($"Malformed pax header at offset {headerOffset}");
            }

            var record = span[(space + 1)..(length - 1)];
            var equals = record.IndexOf((byte)'=');
            if (equals <= 0 || !records.TryAdd(DecodeName(record[..equals]), DecodeName(record[(equals + 1)..])))
            {
                throw Reject($"Malformed pax header at offset {headerOffset}");
            }

            span = span[length..];
        }

        return records;
    }

    private byte[] ReadSmall(long size, long headerOffset) =>
        size > limits.MaxTarExtendedHeaderBytes
            ? throw Reject($"Extended header at offset {headerOffset} is larger than {limits.MaxTarExtendedHeaderBytes} bytes")
            : ReadData(size);

    private byte[] ReadData(long size)
    {
        var data = new byte[size];
        if (stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false) < data.Length)
        {
            throw Reject("Truncated tar archive");
        }

        _offset += size;
        SkipExact(Padding(size));
        return data;
    }

    private void SkipData(long size) => SkipExact(size + Padding(size));

    private static long Padding(long size) => (Block - (size % Block)) % Block;

    private void SkipExact(long count)
    {
        while (count > 0)
        {
            var read = stream.Read(_skipBuffer, 0, (int)Math.Min(_skipBuffer.Length, count));
            if (read == 0)
            {
                throw Reject("Truncated tar archive");
            }

            count -= read;
            _offset += read;
        }
    }

    /// <summary>
    /// After the end marker most readers stop, but some (e.g. with --ignore-zeros) read on: anything but zero
    /// padding there is content that only some clients would see.
    /// </summary>
    private void EnsureOnlyZerosRemain()
    {
        int read;
        while ((read = stream.Read(_skipBuffer)) > 0)
        {
            if (_skipBuffer.AsSpan(0, read).ContainsAnyExcept((byte)0))
            {
                throw Reject("Data after the end of the tar archive");
            }
        }
    }

    private static ReadOnlySpan<byte> TrimNul(ReadOnlySpan<byte> field)
    {
        var nul = field.IndexOf((byte)0);
        return nul < 0 ? field : field[..nul];
    }

    private static string DecodeName(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Reject("Member name is not valid UTF-8");
        }
    }

    private static ArchiveRejectedException Reject(string reason) => new($"Invalid distribution file. {reason}");
}
