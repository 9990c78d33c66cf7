using System.Reflection;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;

namespace Bulwark.Web;

/// <summary>
/// Binds an empty or blank form field to <c>""</c>, not null, for page properties and handler parameters declared
/// as non-nullable <see cref="string"/>.
/// </summary>
/// <remarks>
/// Why: model binding turns an empty field into null by default, whatever the declaration says, so a sign-in form
/// posted with an empty username handed null to code that (by its signature) never gets null, and the page answered
/// 500 instead of "wrong username or password". Nullable strings keep the default: for them null means "not given".
/// </remarks>
public sealed class NonNullableStringBinding : IDisplayMetadataProvider
{
    public void CreateDisplayMetadata(DisplayMetadataProviderContext context)
    {
        var key = context.Key;
        if (key.ModelType != typeof(string)) return;
        // NullabilityInfoContext is not thread-safe; metadata is created once per property and cached by MVC.
        var nullability = new NullabilityInfoContext();
        var notNull = key.MetadataKind switch
        {
            ModelMetadataKind.Property when key.PropertyInfo is { } property => nullability.Create(property).WriteState == NullabilityState.NotNull,
            ModelMetadataKind.Parameter when key.ParameterInfo is { } parameter => nullability.Create(parameter).WriteState == NullabilityState.NotNull,
            _ => false,
        };
        if (notNull) context.DisplayMetadata.ConvertEmptyStringToNull = false;
    }
}
