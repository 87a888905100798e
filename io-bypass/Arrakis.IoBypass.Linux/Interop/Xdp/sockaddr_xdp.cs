using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.Xdp;

/// <summary>The kernel's struct sockaddr_xdp (16 bytes): bind(2) address of an AF_XDP socket.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct sockaddr_xdp
{
    /// <summary>AF_XDP.</summary>
    public ushort sxdp_family;
    /// <summary>XDP_SHARED_UMEM, XDP_COPY, XDP_ZEROCOPY, XDP_USE_NEED_WAKEUP.</summary>
    public ushort sxdp_flags;
    public uint sxdp_ifindex;
    public uint sxdp_queue_id;
    public uint sxdp_shared_umem_fd;
}
