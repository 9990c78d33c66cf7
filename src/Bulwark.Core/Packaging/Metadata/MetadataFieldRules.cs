namespace Bulwark.Core.Packaging.Metadata;

/// <summary>
/// Per-field syntax rules of the Core Metadata specification (the checks the packaging library applies before
/// PyPI's own policy), with its messages.
/// </summary>
internal static class MetadataFieldRules
{
    private static readonly string[] ContentTypes = ["text/plain", "text/x-rst", "text/markdown"];
    private static readonly string[] MarkdownVariants = ["GFM", "CommonMark"];
    private static readonly HashSet<string> NeverDynamic = ["name", "version", "metadata-version"];

    public static void CheckFields(CoreMetadata m, MetadataErrorList errors)
    {
        if (!MetadataValidator.SupportedMetadataVersions.Contains(m.MetadataVersion))
        {
            var shown = m.MetadataVersion.Length == 0 ? "None" : PyRepr.Str(m.MetadataVersion);
            errors.Add("metadata-version", $"{shown} is not a valid metadata version");
        }

        Required(m.Name, "name", ProjectName.IsValid, errors);
        Required(m.Version, "version", v => Pep440Version.TryParse(v, out _), errors);

        if (m.Summary is not null && m.Summary.Contains('\n'))
        {
            errors.Add("summary", "'summary' must be a single line");
        }

        if (m.DescriptionContentType is { } contentType)
        {
            CheckContentType(contentType, errors);
        }

        foreach (var field in m.Dynamic.Select(d => d.ToLowerInvariant()))
        {
            if (NeverDynamic.Contains(field))
            {
                errors.Add("dynamic", $"{PyRepr.Str(field)} is not allowed as a dynamic field");
                break;
            }

            if (CoreMetadataField.FromHeader(field) is null)
            {
                errors.Add("dynamic", $"{PyRepr.Str(field)} is not a valid dynamic field");
                break;
            }
        }

        FirstInvalid(m.ProvidesExtra, ProjectName.IsValid, "provides-extra", errors);
        if (m.RequiresPython is { } requiresPython && !VersionSpecifierSet.TryParse(requiresPython, out _, out _))
        {
            errors.Add("requires-python", $"{PyRepr.Str(requiresPython)} is invalid for 'requires-python'");
        }

        FirstInvalid(m.RequiresDist, r => Pep508Requirement.TryParse(r, out _, out _), "requires-dist", errors);
        if (m.LicenseExpression is { } expression && !LicenseExpression.IsValid(expression))
        {
            errors.Add("license-expression", $"{PyRepr.Str(expression)} is invalid for 'license-expression'");
        }

        foreach (var path in m.LicenseFiles)
        {
            if (LicenseFileProblem(path) is { } problem)
            {
                errors.Add("license-file", $"{PyRepr.Str(path)} is invalid for 'license-file', {problem}");
                break;
            }
        }
    }

    private static void Required(string? value, string field, Func<string, bool> valid, MetadataErrorList errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(field, $"{PyRepr.Str(field)} is a required field");
        }
        else if (!valid(value))
        {
            errors.Add(field, $"{PyRepr.Str(value)} is invalid for {PyRepr.Str(field)}");
        }
    }

    private static void FirstInvalid(IEnumerable<string> values, Func<string, bool> valid, string field, MetadataErrorList errors)
    {
        if (values.FirstOrDefault(v => !valid(v)) is { } bad)
        {
            errors.Add(field, $"{PyRepr.Str(bad)} is invalid for {PyRepr.Str(field)}");
        }
    }

    private static void CheckContentType(string value, MetadataErrorList errors)
    {
        var parts = value.Split(';');
        var type = parts[0].Trim().ToLowerInvariant();
        if (!ContentTypes.Contains(type))
        {
            errors.Add("description-content-type",
                $"'description-content-type' must be one of {PyRepr.List(ContentTypes)}, not {PyRepr.Str(value)}");
            return;
        }

        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in parts.Skip(1))
        {
            var equals = parameter.IndexOf('=');
            if (equals > 0)
            {
                parameters[parameter[..equals].Trim()] = parameter[(equals + 1)..].Trim().Trim('"');
            }
        }

        // Compared case-sensitively, as PyPI does: "utf-8" is refused.
        var charset = parameters.GetValueOrDefault("charset", "UTF-8");
        if (charset != "UTF-8")
        {
            errors.Add("description-content-type",
                $"'description-content-type' can only specify the UTF-8 charset, not {PyRepr.Str(charset)}");
            return;
        }

        var variant = parameters.GetValueOrDefault("variant", "GFM");
        if (type == "text/markdown" && !MarkdownVariants.Contains(variant))
        {
            errors.Add("description-content-type",
                $"valid Markdown variants for 'description-content-type' are {PyRepr.List(MarkdownVariants)}, not {PyRepr.Str(variant)}");
        }
    }

    private static string? LicenseFileProblem(string path)
    {
        if (path.Contains("..", StringComparison.Ordinal))
        {
            return "parent directory indicators are not allowed";
        }

        if (path.Contains('*'))
        {
            return "paths must be resolved";
        }

        if (path.StartsWith('/') || path.StartsWith('\\') || (path.Length >= 2 && char.IsAsciiLetter(path[0]) && path[1] == ':'))
        {
            return "paths must be relative";
        }

        return path.Contains('\\') ? "paths must use '/' delimiter" : null;
    }
}
