using System.Diagnostics;
using System.Net;

namespace Arrakis.IoBypass.Linux.Tests.Netns;

/// <summary>
/// A veth pair for AF_XDP tests: the XDP end <see cref="Local"/> stays in the root namespace (the test's
/// queue binds it), the peer end <see cref="Peer"/> lives in a fresh namespace <see cref="Namespace"/>
/// (the kernel client side). Addresses come from 198.18.0.0/15 only: the peer is 198.18.X.2/24, the
/// local end optionally holds 198.18.X.1/24. IPv6 is off on both ends, the peer's TX offloads are off
/// (checksums would be CHECKSUM_PARTIAL in copy mode). Dispose deletes both, also after a failed test;
/// eth0 and the default route are never touched.
/// </summary>
internal sealed class VethNamespace : IDisposable
{
    private bool _disposed;

    private VethNamespace(string suffix, int subnet)
    {
        Namespace = $"arrakis-xdp-{suffix}";
        Local = $"axq{suffix}";
        Peer = $"axp{suffix}";
        Subnet = subnet;
    }

    public string Namespace { get; }
    public string Local { get; }
    public string Peer { get; }
    public int Subnet { get; }
    public IPAddress LocalAddress => IPAddress.Parse($"198.18.{Subnet}.1");
    public IPAddress PeerAddress => IPAddress.Parse($"198.18.{Subnet}.2");

    /// <summary>The local end's MAC address.</summary>
    public byte[] LocalMac => Convert.FromHexString(File.ReadAllText($"/sys/class/net/{Local}/address").Trim().Replace(":", ""));

    /// <summary>Creates the pair; <paramref name="localHasAddress"/> gives the local end 198.18.X.1/24 (shared mode: the kernel keeps it).</summary>
    /// <remarks><paramref name="queues"/> &gt; 1 gives both ends that many RX and TX queues.</remarks>
    public static VethNamespace Create(bool localHasAddress, int queues = 1)
    {
        string suffix = Convert.ToHexString(BitConverter.GetBytes(Random.Shared.Next())).ToLowerInvariant()[..6];
        string used = Run("ip", "-4", "-o", "addr", "show").Output;
        int subnet;
        do subnet = Random.Shared.Next(10, 250); while (used.Contains($"198.18.{subnet}."));
        var v = new VethNamespace(suffix, subnet);
        try
        {
            v.Setup(localHasAddress, queues);
        }
        catch
        {
            v.Dispose();
            throw;
        }
        return v;
    }

    private void Setup(bool localHasAddress, int queues)
    {
        Must("ip", "netns", "add", Namespace);
        string q = queues.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Must("ip", "link", "add", Local, "numtxqueues", q, "numrxqueues", q, "type", "veth", "peer", "name", Peer, "numtxqueues", q, "numrxqueues", q, "netns", Namespace);
        File.WriteAllText($"/proc/sys/net/ipv6/conf/{Local}/disable_ipv6", "1");
        InNs("sh", "-c", $"echo 1 > /proc/sys/net/ipv6/conf/{Peer}/disable_ipv6");
        if (localHasAddress) Must("ip", "addr", "add", $"{LocalAddress}/24", "dev", Local);
        InNs("ip", "addr", "add", $"{PeerAddress}/24", "dev", Peer);
        Must("ip", "link", "set", Local, "up");
        InNs("ip", "link", "set", "lo", "up");
        InNs("ip", "link", "set", Peer, "up");
        DisableOffloads();
    }

    /// <summary>`ethtool -K tx off tso off gso off gro off` on both ends, or the same through SIOCETHTOOL when ethtool is not installed.</summary>
    private void DisableOffloads()
    {
        if (File.Exists("/usr/sbin/ethtool") || File.Exists("/sbin/ethtool"))
        {
            Must("ethtool", "-K", Local, "tx", "off", "tso", "off", "gso", "off", "gro", "off");
            InNs("ethtool", "-K", Peer, "tx", "off", "tso", "off", "gso", "off", "gro", "off");
            return;
        }
        EthtoolOffloads.Disable(Local);
        NetnsThread.Run(Namespace, () => { EthtoolOffloads.Disable(Peer); return 0; });
    }

    /// <summary>Runs a command inside the namespace; throws when it fails.</summary>
    public string InNs(params string[] args) => Must(["ip", "netns", "exec", Namespace, .. args]);

    /// <summary>`ip -d link show` of the local end (shows an attached XDP program).</summary>
    public string LocalLinkDetails() => Run("ip", "-d", "link", "show", "dev", Local).Output;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Run("ip", "netns", "del", Namespace); // destroys the peer, and with it the pair
        if (Directory.Exists($"/sys/class/net/{Local}")) Run("ip", "link", "del", Local);
    }

    private static string Must(params string[] args)
    {
        var (code, output) = Run(args);
        if (code != 0) throw new InvalidOperationException($"`{string.Join(' ', args)}` failed ({code}): {output}");
        return output;
    }

    public static (int Code, string Output) Run(params string[] args)
    {
        var psi = new ProcessStartInfo(args[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args[1..]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        if (!p.WaitForExit(10_000))
        {
            p.Kill(true);
            return (-1, output + " (timed out)");
        }
        return (p.ExitCode, output);
    }
}
