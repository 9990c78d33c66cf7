namespace Bulwark.Core.ScaleOut;

/// <summary>
/// One key of the ASP.NET Core data-protection key ring (antiforgery tokens, the flash-message cookie), kept in
/// the database so that every instance of a deployment shares it. <see cref="Xml"/> is the key element as the
/// key manager writes it, with its secret already sealed under the key-encryption key: the database never holds
/// a key in clear.
/// </summary>
public sealed class DataProtectionKeyRow
{
    public long Id { get; set; }

    /// <summary>The key manager's name for the element (<c>key-{guid}</c>).</summary>
    public string? FriendlyName { get; set; }

    public required string Xml { get; set; }
}
