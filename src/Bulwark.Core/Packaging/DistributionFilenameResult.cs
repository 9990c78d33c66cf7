using System.Diagnostics.CodeAnalysis;

namespace Bulwark.Core.Packaging;

/// <summary>The outcome of validating an uploaded distribution's filename: the parsed filename, or the refusal message.</summary>
public sealed record DistributionFilenameResult
{
    private DistributionFilenameResult(ParsedDistributionFilename? filename, string? error)
    {
        Filename = filename;
        Error = error;
    }

    /// <summary>The parsed filename (a <see cref="WheelFilename"/> or <see cref="SdistFilename"/>) when valid.</summary>
    public ParsedDistributionFilename? Filename { get; }

    /// <summary>The message to refuse the upload with (HTTP 400) when invalid.</summary>
    public string? Error { get; }

    /// <summary>True when the filename passed every check.</summary>
    [MemberNotNullWhen(true, nameof(Filename))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Error is null;

    internal static DistributionFilenameResult Valid(ParsedDistributionFilename filename) => new(filename, null);

    internal static DistributionFilenameResult Invalid(string error) => new(null, error);
}
