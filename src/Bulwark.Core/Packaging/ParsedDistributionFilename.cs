namespace Bulwark.Core.Packaging;

/// <summary>What a distribution filename says about the file: its project name and version, as written.</summary>
/// <param name="Filename">The whole filename.</param>
/// <param name="Name">The name part as written (e.g. <c>foo_bar</c>); not necessarily normalized.</param>
/// <param name="Version">The version part as written.</param>
/// <param name="ParsedVersion">The version part, parsed.</param>
public abstract record ParsedDistributionFilename(string Filename, string Name, string Version, Pep440Version ParsedVersion)
{
    /// <summary>The PEP 503 normalized form of <see cref="Name"/>.</summary>
    public string NormalizedName => ProjectName.Normalize(Name);

    /// <summary>The upload form's <c>filetype</c> for this kind of file.</summary>
    public abstract string Filetype { get; }
}
