using System.Globalization;
using System.Net;
using Arrakis.IoBypass.Linux.Control;
using Arrakis.IoBypass.Linux.Sockets;
using Arrakis.IoBypass.Linux.Xdp;
using Arrakis.IoBypass.Net.Stack;
using Arrakis.IoBypass.Transport;
using Arrakis.Server.Configuration;

namespace Arrakis.Server.Host;

/// <summary>
/// The control-plane step for the network (`--net kernel|xdp|auto`): kernel sockets on the bind
/// addresses, or AF_XDP queues of `--net-if` (one per data-plane thread) carrying the user-space TCP/IP
/// stack. `xdp` that cannot be granted fails at startup naming what is missing; `auto` falls back to
/// kernel sockets and says why. <see cref="Description"/> is the startup report's network part.
/// </summary>
internal sealed class NetworkClaim : IDisposable
{
    private KernelListener? _listener;
    private AfXdpQueueGroup? _queues;

    private NetworkClaim(Func<int, IConnectionSource> sources, string description)
    {
        Sources = sources;
        Description = description;
    }

    public Func<int, IConnectionSource> Sources { get; }

    public string Description { get; }

    /// <summary>Claims what <paramref name="o"/> asks for; throws <see cref="InvalidOperationException"/> with the reason when `xdp` cannot be granted.</summary>
    public static NetworkClaim Claim(ServerOptions o)
    {
        if (o.NetQueues > 0) o.Threads = o.NetQueues;
        if (o.Network == "kernel") return Kernel(o, "");
        string? refusal = TryXdp(o, out var claim);
        if (claim is not null) return claim;
        if (o.Network == "xdp") throw new InvalidOperationException($"--net xdp: {refusal}");
        return Kernel(o, $" (--net auto: {refusal})");
    }

    private static NetworkClaim Kernel(ServerOptions o, string note)
    {
        var listener = new KernelListener(o.Bind, o.Port, o.TcpBacklog);
        o.Port = listener.Port;
        string description = $"kernel TCP sockets via epoll on {string.Join(",", o.Bind)} port {o.Port}{note}";
        return new NetworkClaim(_ => new EpollConnectionSource(listener), description) { _listener = listener };
    }

    /// <summary>The AF_XDP claim, or null and the reason it cannot be granted.</summary>
    private static string? TryXdp(ServerOptions o, out NetworkClaim? claim)
    {
        claim = null;
        if (o.NetInterface.Length == 0) return "no --net-if given (the interface whose queues the stack claims)";
        if (o.Port == 0) return "--port 0 (a free port) exists only for kernel sockets: give the port to steer";
        var support = XdpSupport.Probe();
        if (!support.Granted) return support.ToString();
        if (!NetInterfaceInfo.TryRead(o.NetInterface, out var info, out string error)) return error;
        string address = o.NetAddress.Length > 0 ? o.NetAddress : info!.Ipv4 ?? "";
        if (address.Length == 0) return $"{info} has no IPv4 address: give --net-ip";
        bool dedicated = o.NetMode == "dedicated";
        var options = new AfXdpQueueOptions { Interface = o.NetInterface, Address = IPAddress.Parse(address), Port = (ushort)o.Port, Dedicated = dedicated };
        int rc = AfXdpQueueGroup.TryOpen(options, o.Threads, out var group, out string report);
        if (rc < 0 || group is null) return $"{info}: {report.Replace(Environment.NewLine, "; ", StringComparison.Ordinal)}";
        var mac = info!.Mac.Split(':').Select(h => byte.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
        var stack = new UserSpaceStackOptions(mac, IPAddress.Parse(address), (ushort)o.Port, dedicated);
        string description = $"user-space TCP/IP over AF_XDP on {info}, {address} port {o.Port}, {o.NetMode} mode, " +
                             $"{group.Queues.Count} queue(s), {(group.DriverMode ? "driver" : "generic (skb)")} XDP: " +
                             report.Replace(Environment.NewLine, "; ", StringComparison.Ordinal);
        claim = new NetworkClaim(i => UserSpaceStack.CreateSource(group.Queues[i], stack, new EpollIdleWaiter(group.Queues[i].WaitFd)), description) { _queues = group };
        return null;
    }

    /// <summary>Stops accepting (kernel listener), or detaches the XDP program and frees the queues (after the data-plane threads stopped).</summary>
    public void Dispose()
    {
        _listener?.Dispose();
        _queues?.Dispose();
    }
}
