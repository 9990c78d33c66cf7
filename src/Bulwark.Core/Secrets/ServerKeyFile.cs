using System.Security.Cryptography;
using System.Text;

namespace Bulwark.Core.Secrets;

/// <summary>
/// A 32-byte server key kept as base64 in a file of its own, readable by the server's user only, or given in
/// configuration by deployments that keep secrets outside the data directory.
/// </summary>
public static class ServerKeyFile
{
    public const int KeySize = SealedBox.KeySize;

    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Reads the key from <paramref name="path"/>, creating it (mode 0600, in a directory created 0700) with fresh
    /// random bytes on first start. The caller zeroes the returned bytes when done.
    /// </summary>
    /// <param name="what">What the key is for, as error messages name it ("factor secret key").</param>
    public static byte[] LoadOrCreate(string path, string what)
    {
        CreatePrivateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        if (!File.Exists(path))
        {
            var key = RandomNumberGenerator.GetBytes(KeySize);
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
                using var stream = new FileStream(path, options);
                using var writer = new StreamWriter(stream, new UTF8Encoding(false));
                writer.Write(Convert.ToBase64String(key) + "\n");
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first; use theirs.
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
        return FromBase64(File.ReadAllText(path).Trim(), path, what);
    }

    /// <summary>Decodes a base64 key of <see cref="KeySize"/> bytes; <paramref name="source"/> names where it came from.</summary>
    public static byte[] FromBase64(string base64, string source, string what)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"The {what} in {source} is not base64.");
        }
        if (key.Length != KeySize)
        {
            CryptographicOperations.ZeroMemory(key);
            throw new InvalidOperationException($"The {what} in {source} must be {KeySize} bytes (base64 of 32 random bytes).");
        }
        return key;
    }

    /// <summary>
    /// Creates <paramref name="directory"/> readable by the server's user only (0700). An existing directory keeps
    /// its mode: an operator may have chosen group access on purpose.
    /// </summary>
    public static void CreatePrivateDirectory(string directory)
    {
        directory = Path.GetFullPath(directory);
        if (Directory.Exists(directory)) return;
        // Parents (the data directory itself) are made as any directory is; only the leaf is private.
        if (Path.GetDirectoryName(directory) is { } parent) Directory.CreateDirectory(parent);
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, OwnerOnlyDirectory);
    }
}
