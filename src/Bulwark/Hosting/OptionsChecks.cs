using System.ComponentModel.DataAnnotations;

namespace Bulwark.Hosting;

/// <summary>Data-annotation validation of nested option objects, which ValidateDataAnnotations does not reach.</summary>
internal static class OptionsChecks
{
    public static bool Valid(params object[] objects) =>
        objects.All(o => Validator.TryValidateObject(o, new ValidationContext(o), null, validateAllProperties: true));
}
