namespace Bulwark.Core.Packaging.Metadata;

/// <summary>PyPI's own policy on top of the specification's field rules, with PyPI's messages.</summary>
internal static class MetadataPolicyRules
{
    private const int SummaryLimit = 512;
    private const int ProjectUrlLabelLimit = 32;

    /// <summary>Fields PEP 643 allows to be marked Dynamic (compared lower-case).</summary>
    private static readonly HashSet<string> DynamicAllowed = new(
        [
            "platform", "supported-platform", "summary", "description", "description-content-type", "keywords",
            "home-page", "download-url", "author", "author-email", "maintainer", "maintainer-email", "license",
            "license-expression", "license-file", "classifier", "requires-dist", "requires-python",
            "requires-external", "project-url", "provides-extra", "provides-dist", "obsoletes-dist", "requires",
            "provides", "obsoletes", "import-name", "import-namespace",
        ],
        StringComparer.Ordinal);

    public static void CheckPolicy(CoreMetadata m, TroveClassifiers classifiers, MetadataErrorList errors)
    {
        // Local versions (1.0+ubuntu1) identify builds that were never meant to be published.
        if (Pep440Version.TryParse(m.Version, out var version) && version.HasLocal)
        {
            errors.Add("version", $"The use of local versions in '{version.Normalized}' is not allowed.");
        }

        if (m.Summary is not null && m.Summary.EnumerateRunes().Count() > SummaryLimit)
        {
            errors.Add("summary", $"'summary' field must be {SummaryLimit} characters or less.");
        }

        CheckEmails(m.AuthorEmail, "author-email", errors);
        CheckEmails(m.MaintainerEmail, "maintainer-email", errors);
        CheckClassifiers(m.Classifiers, classifiers, errors);
        CheckUrl(m.HomePage, "home-page", errors);
        CheckUrl(m.DownloadUrl, "download-url", errors);
        CheckProjectUrls(m.ProjectUrlEntries, errors);
        CheckOtherDists(m.ProvidesDist, "provides-dist", errors);
        CheckOtherDists(m.ObsoletesDist, "obsoletes-dist", errors);

        // A direct URL would make installers fetch code from outside the index.
        foreach (var text in m.RequiresDist)
        {
            if (Pep508Requirement.TryParse(text, out var requirement, out _) && requirement.Url is not null)
            {
                errors.Add("requires-dist", $"Can't have direct dependency: {PythonText.Shorten(requirement.ToString())}");
            }
        }

        foreach (var field in m.Dynamic.Select(d => d.ToLowerInvariant()))
        {
            if (!DynamicAllowed.Contains(field))
            {
                errors.Add("dynamic", $"Dynamic field {PyRepr.Str(field)} is not a valid dynamic field.");
            }
        }

        if (m.License is not null && m.LicenseExpression is not null)
        {
            errors.Add("license",
                "License is deprecated when License-Expression is present. Only License-Expression should be present.");
        }
    }

    private static void CheckEmails(string? field, string name, MetadataErrorList errors)
    {
        if (field is null)
        {
            return;
        }

        foreach (var address in EmailAddressValidator.ExtractAddresses(field))
        {
            if (EmailAddressValidator.Problem(address) is { } problem)
            {
                errors.Add(name, $"{PyRepr.Str(address)} is not a valid email address: {problem}");
            }
        }
    }

    private static void CheckClassifiers(IReadOnlyList<string> used, TroveClassifiers catalog, MetadataErrorList errors)
    {
        var distinct = used.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var classifier in distinct.Where(c => !catalog.IsKnown(c)))
        {
            errors.Add("classifier", $"{PyRepr.Str(classifier)} is not a valid classifier.");
        }

        foreach (var classifier in distinct)
        {
            if (catalog.Deprecated.TryGetValue(classifier, out var replacements))
            {
                errors.Add("classifier", replacements.Count > 0
                    ? $"The classifier {PyRepr.Str(classifier)} has been deprecated, use one of {PyRepr.List(replacements)} instead."
                    : $"The classifier {PyRepr.Str(classifier)} has been deprecated.");
            }
        }
    }

    private static void CheckUrl(string? url, string field, MetadataErrorList errors)
    {
        if (url is not null && !UrlValidator.IsValid(url))
        {
            errors.Add(field, $"{PyRepr.Str(url)} is not a valid url.");
        }
    }

    private static void CheckProjectUrls(IReadOnlyList<ProjectUrl> urls, MetadataErrorList errors)
    {
        foreach (var (label, url) in urls)
        {
            if (label.Length == 0)
            {
                errors.Add("project-url", "Must have a label");
            }
            else if (label.EnumerateRunes().Count() > ProjectUrlLabelLimit)
            {
                errors.Add("project-url", $"{PyRepr.Str(label)} must be {ProjectUrlLabelLimit} characters or less.");
            }
            else if (url.Length == 0)
            {
                errors.Add("project-url", "Must have a URL");
            }
            else if (!UrlValidator.IsValid(url))
            {
                errors.Add("project-url", $"{PyRepr.Str(url)} is not a valid url");
            }
        }
    }

    private static void CheckOtherDists(IReadOnlyList<string> values, string field, MetadataErrorList errors)
    {
        foreach (var text in values)
        {
            if (!Pep508Requirement.TryParse(text, out var requirement, out var error))
            {
                errors.Add(field, $"{PyRepr.Str(text)} is invalid: {error}");
            }
            else if (requirement.Url is not null)
            {
                errors.Add(field, $"Can't have direct dependency: {PyRepr.Str(text)}");
            }
        }
    }
}
