namespace Bulwark.Hosting;

/// <summary>The <c>Bulwark:DataProtection</c> configuration section.</summary>
public sealed class KeyRingOptions
{
    public const string Section = "Bulwark:DataProtection";

    /// <summary>
    /// Base64 of 32 random bytes that seal the key ring. When empty, the key is read from (or created in)
    /// <c>keys/data-protection.key</c> in the data directory. Give it here to keep a backup of the data directory
    /// from holding both the key ring and the key that opens it.
    /// </summary>
    public string? KeyEncryptionKey { get; set; }
}
