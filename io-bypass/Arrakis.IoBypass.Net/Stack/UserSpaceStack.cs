using System.Net;
using System.Net.Sockets;
using Arrakis.IoBypass.Net.Iface;
using Arrakis.IoBypass.Net.Tcp;
using Arrakis.IoBypass.Net.Wire;
using Arrakis.IoBypass.Nic;
using Arrakis.IoBypass.Transport;

namespace Arrakis.IoBypass.Net.Stack;

/// <summary>What the user-space stack serves: our Ethernet and IPv4 addresses, the TCP port, and whether the address is ours alone.</summary>
public sealed record UserSpaceStackOptions(byte[] Mac, IPAddress Address, ushort Port, bool Dedicated)
{
    /// <summary>Half-open connections per queue (each holds its rings); SYNs beyond them are answered with SYN cookies.</summary>
    public int Backlog { get; init; } = 128;

    /// <summary>Each connection's send and receive ring, in bytes.</summary>
    public int BufferSize { get; init; } = 64 * 1024;
}

/// <summary>The public door to the stack: one network source per NIC queue, for one data-plane thread.</summary>
public static class UserSpaceStack
{
    /// <summary>
    /// A network source running the stack over <paramref name="queue"/> (which it owns from now on),
    /// sleeping with <paramref name="waiter"/>. Throws for options no stack can serve (startup).
    /// </summary>
    public static IConnectionSource CreateSource(INicQueue queue, UserSpaceStackOptions options, IIdleWaiter waiter)
    {
        if (options.Mac.Length != EthernetAddress.Length) throw new ArgumentException("a MAC address has 6 bytes");
        if (options.Address.AddressFamily != AddressFamily.InterNetwork) throw new ArgumentException("the stack serves an IPv4 address");
        var mac = new EthernetAddress(options.Mac[0], options.Mac[1], options.Mac[2], options.Mac[3], options.Mac[4], options.Mac[5]);
        var b = options.Address.GetAddressBytes();
        var iface = new NetInterface(new InterfaceConfig(mac, new Ipv4Address(b[0], b[1], b[2], b[3]), options.Dedicated));
        var tcp = new TcpConfig { ReceiveBufferSize = options.BufferSize, SendBufferSize = options.BufferSize };
        return new NicConnectionSource(queue, iface, options.Port, tcp, new MonotonicClock(), waiter, options.Backlog);
    }
}
