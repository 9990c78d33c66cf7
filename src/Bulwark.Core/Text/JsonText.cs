using System.Text.Json;

namespace Bulwark.Core.Text;

/// <summary>Why a JSON value could not be read as text.</summary>
public enum JsonTextProblem
{
    None,
    /// <summary>The property is missing or null.</summary>
    Absent,
    /// <summary>The value is a number, object, array or boolean.</summary>
    NotAString,
    /// <summary>An unpaired surrogate escape (<c>\ud800</c>) or bytes that are not UTF-8 inside the string.</summary>
    NotUnicode,
    /// <summary>A NUL character (<c>\u0000</c>).</summary>
    Nul,
}

/// <summary>
/// Reads strings out of JSON that came from outside (request bodies, identity tokens, upstream pages).
/// <see cref="JsonElement.GetString"/> throws <see cref="InvalidOperationException"/> for a string that holds an
/// unpaired surrogate escape or invalid UTF-8 — <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/>
/// accepts both — so a caller that only catches <see cref="JsonException"/> answers such a body with a server error.
/// NUL is refused as well: PostgreSQL cannot store it in a text column or take it as a query parameter, so a value
/// holding one would fail only later, at the database, on one of the two backends.
/// </summary>
public static class JsonText
{
    /// <summary>The string value of <paramref name="name"/> in <paramref name="obj"/>, or why there is none.</summary>
    public static JsonTextProblem TryGetProperty(JsonElement obj, string name, out string? text)
    {
        text = null;
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return JsonTextProblem.Absent;
        }
        return TryGet(value, out text);
    }

    /// <summary>The string held by <paramref name="value"/>, or why it is not usable text.</summary>
    public static JsonTextProblem TryGet(JsonElement value, out string? text)
    {
        text = null;
        if (value.ValueKind != JsonValueKind.String) return JsonTextProblem.NotAString;
        string read;
        try
        {
            read = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return JsonTextProblem.NotUnicode;
        }
        // GetString decodes invalid UTF-8 strictly, but an escaped pair in the wrong order still yields lone halves.
        if (!IsWellFormed(read)) return JsonTextProblem.NotUnicode;
        if (read.Contains('\0', StringComparison.Ordinal)) return JsonTextProblem.Nul;
        text = read;
        return JsonTextProblem.None;
    }

    /// <summary>The string value, or null when it is absent or not usable text (for optional claims and listings).</summary>
    public static string? StringOrNull(JsonElement obj, string name) =>
        TryGetProperty(obj, name, out var text) == JsonTextProblem.None ? text : null;

    /// <summary>A sentence naming the problem with <paramref name="field"/>, for a 4xx answer.</summary>
    public static string Describe(JsonTextProblem problem, string field) => problem switch
    {
        JsonTextProblem.NotAString => $"'{field}' must be a string.",
        JsonTextProblem.NotUnicode => $"'{field}' is not valid Unicode text (an unpaired surrogate escape or bytes that are not UTF-8).",
        JsonTextProblem.Nul => $"'{field}' contains a NUL character (\\u0000).",
        _ => $"'{field}' is missing.",
    };

    private static bool IsWellFormed(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }
        return true;
    }
}
