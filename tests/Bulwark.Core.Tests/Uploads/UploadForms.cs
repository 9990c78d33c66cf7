using Bulwark.Core.Uploads;

namespace Bulwark.Core.Tests.Uploads;

/// <summary>A valid wheel upload form (what twine sends, trimmed), with the given fields replaced or added.</summary>
internal static class UploadForms
{
    public static UploadFields Wheel(params (string Key, string? Value)[] changes)
    {
        var values = new Dictionary<string, string?>
        {
            [":action"] = "file_upload", ["protocol_version"] = "1", ["metadata_version"] = "2.1", ["name"] = "sample",
            ["version"] = "1.0", ["filetype"] = "bdist_wheel", ["pyversion"] = "py3", ["sha256_digest"] = new string('a', 64),
        };
        foreach (var (key, value) in changes) values[key] = value;
        var fields = new UploadFields();
        foreach (var (key, value) in values)
        {
            if (value is not null) fields.Add(key, value);
        }
        return fields;
    }
}
