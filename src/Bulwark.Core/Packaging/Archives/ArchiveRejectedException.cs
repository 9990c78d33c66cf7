namespace Bulwark.Core.Packaging.Archives;

/// <summary>Thrown inside the archive readers to stop at the first refusal; carries the message for the uploader.</summary>
internal sealed class ArchiveRejectedException(string message) : Exception(message);
