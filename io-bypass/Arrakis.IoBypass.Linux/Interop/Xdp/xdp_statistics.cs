using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.Xdp;

/// <summary>The kernel's struct xdp_statistics (48 bytes), read with getsockopt(XDP_STATISTICS).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xdp_statistics
{
    /// <summary>Dropped for reasons other than invalid descriptors (e.g. the RX ring was full).</summary>
    public ulong rx_dropped;
    public ulong rx_invalid_descs;
    public ulong tx_invalid_descs;
    /// <summary>Since 5.9: dropped because the RX ring was full.</summary>
    public ulong rx_ring_full;
    /// <summary>Since 5.9: times the fill ring had no buffer.</summary>
    public ulong rx_fill_ring_empty_descs;
    /// <summary>Since 5.9: times the TX ring was empty when the kernel looked.</summary>
    public ulong tx_ring_empty_descs;
}
