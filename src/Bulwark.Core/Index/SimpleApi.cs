namespace Bulwark.Core.Index;

/// <summary>Constants of the simple repository API (PEP 503, 691, 700, 714, 792).</summary>
public static class SimpleApi
{
    /// <summary>The API version we implement; 1.4 adds project status markers (PEP 792).</summary>
    public const string ApiVersion = "1.4";

    public const string TextHtml = "text/html";
    public const string V1Html = "application/vnd.pypi.simple.v1+html";
    public const string V1Json = "application/vnd.pypi.simple.v1+json";
}

/// <summary>The representations a simple-API page can be rendered in.</summary>
public enum SimpleFormat
{
    Html = 0,
    Json = 1,
}

/// <summary>A PEP 792 project status marker.</summary>
public enum ProjectStatus
{
    Active = 0,
    Quarantined = 1,
    Archived = 2,
    Deprecated = 3,
}

public static class ProjectStatusNames
{
    /// <summary>The marker as PEP 792 spells it.</summary>
    public static string ToMarker(this ProjectStatus status) => status switch
    {
        ProjectStatus.Quarantined => "quarantined",
        ProjectStatus.Archived => "archived",
        ProjectStatus.Deprecated => "deprecated",
        _ => "active",
    };
}
