using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Bulwark.Hosting;

/// <summary>
/// How every options class is registered: bound to its section, its data annotations checked on the class and on
/// every nested options object and list entry, and all of it at start. A bad value stops the host before it
/// serves anything, with a message naming the configuration key (<c>Bulwark:Index:PageCacheMegabytes: ...</c>),
/// not a property of a class the operator never sees.
/// </summary>
public static class ValidatedOptions
{
    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/> and validates it at start.</summary>
    /// <returns>The builder, for checks across keys (<c>.Validate(..., "Bulwark:Key ...")</c>) that must name their keys too.</returns>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section) where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(new AnnotationValidation<T>(section));
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>The problems of <paramref name="options"/> and its nested objects, each prefixed with its configuration key.</summary>
    public static List<string> Problems(object options, string section)
    {
        var problems = new List<string>();
        Collect(options, section, problems, depth: 0);
        return problems;
    }

    private static void Collect(object value, string key, List<string> problems, int depth)
    {
        if (depth > 8) return; // options are shallow; a cycle must not hang the start
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true);
        foreach (var result in results)
        {
            var members = result.MemberNames.Any() ? result.MemberNames : [""];
            foreach (var member in members)
            {
                problems.Add($"{(member.Length == 0 ? key : key + ":" + member)}: {result.ErrorMessage}");
            }
        }
        foreach (var property in value.GetType().GetProperties())
        {
            if (property.GetIndexParameters().Length > 0 || !property.CanRead) continue;
            var child = property.GetValue(value);
            if (child is null || child is string) continue;
            var childKey = key + ":" + property.Name;
            if (child is IEnumerable items and not IDictionary)
            {
                var i = 0;
                foreach (var item in items)
                {
                    if (item is not null && IsOptionsObject(item.GetType())) Collect(item, childKey + ":" + i.ToString(CultureInfo.InvariantCulture), problems, depth + 1);
                    i++;
                }
            }
            else if (IsOptionsObject(child.GetType()))
            {
                Collect(child, childKey, problems, depth + 1);
            }
        }
    }

    /// <summary>Empty (the key file in the data directory is used), or base64 of a 32-byte key.</summary>
    public static bool IsEmptyOrKey(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64)) return true;
        var buffer = new byte[Core.Secrets.ServerKeyFile.KeySize + 3];
        return Convert.TryFromBase64String(base64.Trim(), buffer, out var written) && written == Core.Secrets.ServerKeyFile.KeySize;
    }

    /// <summary>Bulwark's own option classes, not values such as <see cref="TimeSpan"/> or <see cref="Uri"/>.</summary>
    private static bool IsOptionsObject(Type type) =>
        type.IsClass && type.Namespace?.StartsWith("Bulwark", StringComparison.Ordinal) == true;

    private sealed class AnnotationValidation<T>(string section) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            Problems(options, section) is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
