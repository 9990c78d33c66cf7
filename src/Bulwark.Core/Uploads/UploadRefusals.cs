using Bulwark.Core.Outcomes;

namespace Bulwark.Core.Uploads;

/// <summary>Upload refusals given from more than one place, worded once.</summary>
internal static class UploadRefusals
{
    /// <summary>
    /// Warehouse's wording, which <c>twine upload --skip-existing</c> looks for in the reason phrase; it is a
    /// 400 there, so <see cref="RefusalKind.Invalid"/> here.
    /// </summary>
    public static Refusal FileExists(string filename, string blake2b256) =>
        Refusal.Invalid($"File already exists ('{filename}', with blake2_256 hash '{blake2b256}').");
}
