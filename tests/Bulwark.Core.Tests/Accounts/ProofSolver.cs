using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Bulwark.Tests.Shared.Throttling;

/// <summary>
/// Solves sign-in proof-of-work challenges the way the sign-in page's script does, written from the format
/// (SHA-256(SHA-256(token) ‖ counter, big-endian) with <c>bits</c> leading zero bits), not from the server's
/// checking code, so the two can disagree when one of them is wrong.
/// </summary>
public static class ProofSolver
{
    public static string Solve(string token, int bits)
    {
        var message = new byte[40];
        SHA256.HashData(Encoding.ASCII.GetBytes(token), message);
        var digest = new byte[32];
        for (ulong counter = 0; ; counter++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(message.AsSpan(32), counter);
            SHA256.HashData(message, digest);
            if (ZeroBits(digest) >= bits) return counter.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>A counter that does not solve the challenge (for refusals).</summary>
    public static string Wrong(string token, int bits)
    {
        var message = new byte[40];
        SHA256.HashData(Encoding.ASCII.GetBytes(token), message);
        for (ulong counter = 0; ; counter++)
        {
            BinaryPrimitives.WriteUInt64BigEndian(message.AsSpan(32), counter);
            if (ZeroBits(SHA256.HashData(message)) < bits) return counter.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static int ZeroBits(byte[] digest)
    {
        var bits = 0;
        foreach (var b in digest)
        {
            for (var mask = 0x80; mask > 0; mask >>= 1)
            {
                if ((b & mask) != 0) return bits;
                bits++;
            }
        }
        return bits;
    }
}
