namespace Arrakis.IoBypass.Linux.Interop.Xdp;

/// <summary>AF_XDP and XDP ABI constants (include/uapi/linux/if_xdp.h, if_link.h, bpf.h).</summary>
internal static class XdpConstants
{
    public const int AF_XDP = 44;
    public const int SOCK_RAW = 3;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int SOL_XDP = 283;

    // setsockopt/getsockopt options (SOL_XDP)
    public const int XDP_MMAP_OFFSETS = 1;
    public const int XDP_RX_RING = 2;
    public const int XDP_TX_RING = 3;
    public const int XDP_UMEM_REG = 4;
    public const int XDP_UMEM_FILL_RING = 5;
    public const int XDP_UMEM_COMPLETION_RING = 6;
    public const int XDP_STATISTICS = 7;
    public const int XDP_OPTIONS = 8;

    // sockaddr_xdp.sxdp_flags
    public const ushort XDP_SHARED_UMEM = 1 << 0;
    public const ushort XDP_COPY = 1 << 1;
    public const ushort XDP_ZEROCOPY = 1 << 2;
    public const ushort XDP_USE_NEED_WAKEUP = 1 << 3;

    /// <summary>Ring flags word: the kernel wants a syscall (sendto for TX, recvfrom/poll for fill).</summary>
    public const uint XDP_RING_NEED_WAKEUP = 1 << 0;

    /// <summary>mmap page offsets of the four rings.</summary>
    public const long XDP_PGOFF_RX_RING = 0;
    public const long XDP_PGOFF_TX_RING = 0x80000000;
    public const long XDP_UMEM_PGOFF_FILL_RING = 0x100000000;
    public const long XDP_UMEM_PGOFF_COMPLETION_RING = 0x180000000;

    /// <summary>Bytes the kernel reserves before every received frame in a chunk (include/uapi/linux/bpf.h).</summary>
    public const int XDP_PACKET_HEADROOM = 256;

    // XDP program return codes
    public const int XDP_ABORTED = 0;
    public const int XDP_DROP = 1;
    public const int XDP_PASS = 2;
    public const int XDP_TX = 3;
    public const int XDP_REDIRECT = 4;

    // XDP attach flags (if_link.h)
    public const uint XDP_FLAGS_SKB_MODE = 1 << 1;
    public const uint XDP_FLAGS_DRV_MODE = 1 << 2;

    public const int MSG_DONTWAIT = 0x40;
    public const int POLLIN = 0x001;

    public const int EPERM = 1;
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EBUSY = 16;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int ENETDOWN = 100;
    public const int ENOBUFS = 105;
    public const int EOPNOTSUPP = 95;
}
