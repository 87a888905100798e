using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.Xdp;

/// <summary>The kernel's struct xdp_mmap_offsets (128 bytes), read with getsockopt(XDP_MMAP_OFFSETS): the four rings' layouts.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xdp_mmap_offsets
{
    public xdp_ring_offset rx;
    public xdp_ring_offset tx;
    /// <summary>The fill ring.</summary>
    public xdp_ring_offset fr;
    /// <summary>The completion ring.</summary>
    public xdp_ring_offset cr;
}
