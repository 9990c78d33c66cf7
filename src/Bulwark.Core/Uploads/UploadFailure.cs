using System.Net;

namespace Bulwark.Core.Uploads;

/// <summary>
/// An expected refusal of an upload. The message goes into the HTTP reason phrase as well as the body,
/// because that is where twine, poetry and flit read it from (Warehouse's convention).
/// </summary>
public sealed record UploadFailure(HttpStatusCode Status, string Message)
{
    public static UploadFailure BadRequest(string message) => new(HttpStatusCode.BadRequest, message);
    public static UploadFailure Forbidden(string message) => new(HttpStatusCode.Forbidden, message);
}

/// <summary>Outcome of an upload that passed every check.</summary>
public enum UploadSuccess
{
    Stored,
    /// <summary>The identical file was already stored: a no-op, as in Warehouse, so retries are safe.</summary>
    AlreadyStored,
}
