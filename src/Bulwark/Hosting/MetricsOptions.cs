using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Bulwark.Hosting;

/// <summary>The <c>Bulwark:Metrics</c> section: Prometheus metrics at <c>/metrics</c>, off by default.</summary>
public sealed class MetricsOptions : IValidatableObject
{
    public const string Section = "Bulwark:Metrics";

    public bool Enabled { get; set; }

    /// <summary>
    /// Listen URLs (separated by ';') of a listener that serves <c>/metrics</c> and nothing else, e.g.
    /// <c>http://127.0.0.1:9464</c>; then the index's own listeners do not serve it. Empty: <c>/metrics</c> is
    /// served next to the index.
    /// </summary>
    public string? Urls { get; set; }

    public IReadOnlyList<string> ListenUrls => (Urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>
    /// The section as bound and checked now: it decides the listeners, so it is read while the host is being
    /// built, before the start checks of the other options run. The same checks run there too
    /// (<see cref="ValidatedOptions.AddValidatedOptions{T}"/>); a bad value fails here first, naming its key.
    /// </summary>
    public static MetricsOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<MetricsOptions>() ?? new();
        var problems = ValidatedOptions.Problems(options, Section);
        if (problems.Count > 0) throw new OptionsValidationException(Section, typeof(MetricsOptions), problems);
        return options;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var url in ListenUrls)
        {
            if (!IsListenUrl(url))
            {
                yield return new ValidationResult($"'{url}' is not a listen URL such as http://127.0.0.1:9464", [nameof(Urls)]);
            }
        }
    }

    private static bool IsListenUrl(string url)
    {
        try
        {
            var address = BindingAddress.Parse(url);
            return address.Scheme is "http" or "https";
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
