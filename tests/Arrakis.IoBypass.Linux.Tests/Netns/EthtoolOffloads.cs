using System.Runtime.InteropServices;
using Arrakis.IoBypass.Linux.Interop;

namespace Arrakis.IoBypass.Linux.Tests.Netns;

/// <summary>
/// What `ethtool -K IF tx off tso off gso off gro off` does, through the legacy SIOCETHTOOL set commands
/// (for machines without the ethtool package), in the calling thread's network namespace.
/// </summary>
internal static unsafe class EthtoolOffloads
{
    private const ulong SIOCETHTOOL = 0x8946;
    private const uint ETHTOOL_STXCSUM = 0x17, ETHTOOL_STSO = 0x1f, ETHTOOL_SGSO = 0x24, ETHTOOL_SGRO = 0x2c;

    [StructLayout(LayoutKind.Sequential)]
    private struct ethtool_value
    {
        public uint cmd;
        public uint data;
    }

    public static void Disable(string ifname)
    {
        int fd = Tmds.Linux.LibC.socket(2, 2, 0); // AF_INET, SOCK_DGRAM
        if (fd < 0) throw new InvalidOperationException("socket for SIOCETHTOOL failed");
        byte* ifr = stackalloc byte[40]; // struct ifreq: name[16] + union (ifr_data at 16)
        try
        {
            foreach (uint cmd in new[] { ETHTOOL_STXCSUM, ETHTOOL_STSO, ETHTOOL_SGSO, ETHTOOL_SGRO })
            {
                ethtool_value v = new() { cmd = cmd, data = 0 };
                new Span<byte>(ifr, 40).Clear();
                System.Text.Encoding.ASCII.GetBytes(ifname, new Span<byte>(ifr, 15));
                *(ethtool_value**)(ifr + 16) = &v;
                int rc = NativeMethods.Ioctl(fd, SIOCETHTOOL, ifr);
                if (rc < 0) throw new InvalidOperationException($"SIOCETHTOOL 0x{cmd:x} on {ifname}: {ErrnoText.Format(rc)}");
            }
        }
        finally
        {
            Tmds.Linux.LibC.close(fd);
        }
    }
}
