namespace Bulwark.Core.Uploads;

/// <summary>Outcome of an upload that passed every check.</summary>
public enum UploadSuccess
{
    Stored,
    /// <summary>The identical file was already stored: a no-op, as in Warehouse, so retries are safe.</summary>
    AlreadyStored,
    /// <summary>Stored, but the malware scan found the file malicious: the release is quarantined pending review.</summary>
    Held,
}
