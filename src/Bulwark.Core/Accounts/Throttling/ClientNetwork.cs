using System.Net;
using System.Net.Sockets;

namespace Bulwark.Core.Accounts.Throttling;

/// <summary>Maps a client address to the unit a per-IP limit counts.</summary>
public static class ClientNetwork
{
    /// <summary>
    /// IPv4 addresses count one by one. An IPv6 client usually holds a whole /64 and can pick a new address
    /// per request, so IPv6 counts per /64 prefix; otherwise a per-IP limit would not limit anything.
    /// </summary>
    public static string Of(string? address)
    {
        if (address is null || !IPAddress.TryParse(address, out var ip)) return "unknown";
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily != AddressFamily.InterNetworkV6) return ip.ToString();
        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
