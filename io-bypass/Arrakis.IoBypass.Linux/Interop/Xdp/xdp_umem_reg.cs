using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.Xdp;

/// <summary>The kernel's struct xdp_umem_reg (32 bytes, include/uapi/linux/if_xdp.h): the UMEM area given to setsockopt(XDP_UMEM_REG).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xdp_umem_reg
{
    /// <summary>Start of the area (page-aligned).</summary>
    public ulong addr;
    /// <summary>Length of the area in bytes.</summary>
    public ulong len;
    /// <summary>Bytes per chunk (frame); a power of two from 2048 to the page size in aligned mode.</summary>
    public uint chunk_size;
    /// <summary>Bytes the kernel leaves free before each received frame, on top of XDP_PACKET_HEADROOM.</summary>
    public uint headroom;
    public uint flags;
    /// <summary>Since 6.8; 0 = no TX metadata.</summary>
    public uint tx_metadata_len;
}
