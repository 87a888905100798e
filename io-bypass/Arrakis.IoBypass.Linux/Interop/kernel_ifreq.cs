using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop;

/// <summary>
/// The kernel's struct ifreq (40 bytes on 64-bit): the interface name, then a 24-byte union read here as
/// a sockaddr (SIOCGIFADDR) or a pointer (SIOCETHTOOL's ifr_data).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal unsafe struct kernel_ifreq
{
    public const int IFNAMSIZ = 16;

    [FieldOffset(0)]
    public fixed byte ifr_name[IFNAMSIZ];

    /// <summary>ifr_addr as a sockaddr_in: family (2), port (2), address (4, network order).</summary>
    [FieldOffset(16)]
    public ushort sin_family;

    [FieldOffset(20)]
    public uint sin_addr;

    [FieldOffset(16)]
    public nint ifr_data;
}
