using System.Buffers.Binary;
using System.Text;
using Arrakis.IoBypass.Linux.Interop;
using Tmds.Linux;
using static Arrakis.IoBypass.Linux.Interop.LinuxConstants;

namespace Arrakis.IoBypass.Linux.Control;

/// <summary>
/// What the control module knows of a network interface before claiming a queue of it: index, MAC,
/// MTU, first IPv4 address, queue counts and driver (what the startup report names, and what decides
/// between zero-copy and copy mode). Read from sysfs and two ioctls (SIOCGIFADDR, SIOCETHTOOL
/// ETHTOOL_GDRVINFO), in the calling thread's network namespace.
/// </summary>
public sealed record NetInterfaceInfo(string Name, int Index, string Mac, int Mtu, string? Ipv4, int RxQueues, int TxQueues, string Driver)
{
    private const ulong SIOCGIFADDR = 0x8915;
    private const ulong SIOCETHTOOL = 0x8946;

    public override string ToString() =>
        $"{Name} (index {Index}, {Mac}, {Ipv4 ?? "no IPv4 address"}, mtu {Mtu}, {RxQueues} rx/{TxQueues} tx queues, driver {Driver})";

    /// <summary>Reads <paramref name="name"/>; false with the reason when there is no such interface (or it cannot be read).</summary>
    public static bool TryRead(string name, out NetInterfaceInfo? info, out string error)
    {
        info = null;
        error = "";
        if (name.Length == 0 || name.Length >= kernel_ifreq.IFNAMSIZ || name.Contains('/') || name is "." or "..")
        {
            error = $"'{name}' is not an interface name";
            return false;
        }
        string dir = Path.Combine("/sys/class/net", name);
        if (!Directory.Exists(dir))
        {
            error = $"no network interface '{name}' in this network namespace";
            return false;
        }
        try
        {
            int index = int.Parse(File.ReadAllText(Path.Combine(dir, "ifindex")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            string mac = File.ReadAllText(Path.Combine(dir, "address")).Trim();
            int mtu = int.Parse(File.ReadAllText(Path.Combine(dir, "mtu")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            string queues = Path.Combine(dir, "queues");
            int rx = Directory.Exists(queues) ? Directory.GetDirectories(queues, "rx-*").Length : 0;
            int tx = Directory.Exists(queues) ? Directory.GetDirectories(queues, "tx-*").Length : 0;
            info = new NetInterfaceInfo(name, index, mac, mtu, ReadIpv4(name), rx, tx, ReadDriver(name) ?? "unknown");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            error = $"cannot read {dir}: {e.Message}";
            return false;
        }
    }

    private static unsafe string? ReadIpv4(string name)
    {
        int fd = LibC.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return null;
        try
        {
            kernel_ifreq req = default;
            WriteName(&req, name);
            if (NativeMethods.Ioctl(fd, SIOCGIFADDR, &req) < 0 || req.sin_family != AF_INET) return null; // EADDRNOTAVAIL: none
            Span<byte> a = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(a, req.sin_addr); // stored in network order
            return $"{a[0]}.{a[1]}.{a[2]}.{a[3]}";
        }
        finally
        {
            LibC.close(fd);
        }
    }

    private static unsafe string? ReadDriver(string name)
    {
        int fd = LibC.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return null;
        try
        {
            ethtool_drvinfo drv = default;
            drv.cmd = ethtool_drvinfo.ETHTOOL_GDRVINFO;
            kernel_ifreq req = default;
            WriteName(&req, name);
            req.ifr_data = (nint)(&drv);
            if (NativeMethods.Ioctl(fd, SIOCETHTOOL, &req) < 0) return null; // EOPNOTSUPP: lo has no driver info
            var span = new ReadOnlySpan<byte>(drv.driver, 32);
            int end = span.IndexOf((byte)0);
            return Encoding.ASCII.GetString(end < 0 ? span : span[..end]);
        }
        finally
        {
            LibC.close(fd);
        }
    }

    private static unsafe void WriteName(kernel_ifreq* req, string name)
    {
        var bytes = Encoding.ASCII.GetBytes(name);
        for (int i = 0; i < bytes.Length && i < kernel_ifreq.IFNAMSIZ - 1; i++) req->ifr_name[i] = bytes[i];
    }
}
