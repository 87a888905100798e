using System.Diagnostics;
using Arrakis.IoBypass.Linux.Interop.Xdp;
using Arrakis.IoBypass.Linux.Interop;
using static Arrakis.IoBypass.Linux.Interop.Xdp.XdpConstants;

namespace Arrakis.IoBypass.Linux.Xdp;

/// <summary>
/// One AF_XDP socket with its own UMEM registered, its four rings mmapped at the offsets the kernel
/// reports (XDP_MMAP_OFFSETS), bound to one queue of one interface with need_wakeup, zero-copy where the
/// driver allows it and copy mode otherwise. Startup builds it; the owning queue's thread drives the rings.
/// </summary>
internal sealed unsafe class XskSocket : IDisposable
{
    private int _fd;

    private XskSocket(int fd, XskRing fill, XskRing completion, XskRing rx, XskRing tx)
    {
        _fd = fd;
        Fill = fill;
        Completion = completion;
        Rx = rx;
        Tx = tx;
    }

    public int Fd => _fd;
    public XskRing Fill { get; }
    public XskRing Completion { get; }
    public XskRing Rx { get; }
    public XskRing Tx { get; }

    /// <summary>Bound with XDP_ZEROCOPY (false: XDP_COPY).</summary>
    public bool ZeroCopy { get; private set; }

    /// <summary>Why zero-copy was not used (null when it was or was not tried).</summary>
    public string? CopyReason { get; private set; }

    /// <summary>
    /// socket(AF_XDP), XDP_UMEM_REG of <paramref name="umem"/>, the four ring sizes, XDP_MMAP_OFFSETS and the
    /// four mmaps. Not bound yet (<see cref="Bind"/>). Returns 0 and the socket, or -errno and the failed step.
    /// </summary>
    public static int Create(Umem umem, uint headroom, uint fillSize, uint completionSize, uint rxSize, uint txSize, out XskSocket? socket, out string failedStep)
    {
        socket = null;
        int fd = XskNativeMethods.Socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
        if (fd < 0) return Fail(fd, "socket(AF_XDP)", out failedStep);
        int rc = umem.Register(fd, headroom);
        if (rc < 0) return CloseAndFail(fd, rc, "setsockopt(XDP_UMEM_REG)", out failedStep);
        if ((rc = SetSize(fd, XDP_UMEM_FILL_RING, fillSize)) < 0) return CloseAndFail(fd, rc, "setsockopt(XDP_UMEM_FILL_RING)", out failedStep);
        if ((rc = SetSize(fd, XDP_UMEM_COMPLETION_RING, completionSize)) < 0) return CloseAndFail(fd, rc, "setsockopt(XDP_UMEM_COMPLETION_RING)", out failedStep);
        if ((rc = SetSize(fd, XDP_RX_RING, rxSize)) < 0) return CloseAndFail(fd, rc, "setsockopt(XDP_RX_RING)", out failedStep);
        if ((rc = SetSize(fd, XDP_TX_RING, txSize)) < 0) return CloseAndFail(fd, rc, "setsockopt(XDP_TX_RING)", out failedStep);
        xdp_mmap_offsets off = default;
        int len = sizeof(xdp_mmap_offsets);
        rc = XskNativeMethods.GetSockOpt(fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, ref len);
        if (rc < 0) return CloseAndFail(fd, rc, "getsockopt(XDP_MMAP_OFFSETS)", out failedStep);
        if (len != sizeof(xdp_mmap_offsets)) return CloseAndFail(fd, -EINVAL, $"getsockopt(XDP_MMAP_OFFSETS) returned {len} bytes (a pre-5.4 kernel layout)", out failedStep);

        XskRing? fill = null, comp = null, rx = null, tx = null;
        rc = XskRing.Map(fd, XDP_UMEM_PGOFF_FILL_RING, off.fr, fillSize, sizeof(ulong), producer: true, out fill);
        if (rc == 0) rc = XskRing.Map(fd, XDP_UMEM_PGOFF_COMPLETION_RING, off.cr, completionSize, sizeof(ulong), producer: false, out comp);
        if (rc == 0) rc = XskRing.Map(fd, XDP_PGOFF_RX_RING, off.rx, rxSize, sizeof(xdp_desc), producer: false, out rx);
        if (rc == 0) rc = XskRing.Map(fd, XDP_PGOFF_TX_RING, off.tx, txSize, sizeof(xdp_desc), producer: true, out tx);
        if (rc < 0)
        {
            fill?.Dispose();
            comp?.Dispose();
            rx?.Dispose();
            return CloseAndFail(fd, rc, "mmap(AF_XDP ring)", out failedStep);
        }
        socket = new XskSocket(fd, fill!, comp!, rx!, tx!);
        failedStep = "";
        return 0;
    }

    /// <summary>
    /// bind(2) to <paramref name="ifindex"/> queue <paramref name="queueId"/> with XDP_USE_NEED_WAKEUP:
    /// XDP_ZEROCOPY first when <paramref name="tryZeroCopy"/> (falling back to XDP_COPY on EOPNOTSUPP or
    /// EINVAL), and EBUSY retried for about a second (a queue just released by a closing socket reports
    /// EBUSY for a while). 0 or -errno.
    /// </summary>
    public int Bind(int ifindex, uint queueId, bool tryZeroCopy)
    {
        if (tryZeroCopy)
        {
            int zc = BindRetrying(ifindex, queueId, XDP_ZEROCOPY | XDP_USE_NEED_WAKEUP);
            if (zc == 0)
            {
                ZeroCopy = true;
                return 0;
            }
            if (zc != -EOPNOTSUPP && zc != -EINVAL) return zc;
            CopyReason = $"zero-copy bind refused ({ErrnoText.Format(zc)})";
        }
        return BindRetrying(ifindex, queueId, XDP_COPY | XDP_USE_NEED_WAKEUP);
    }

    private int BindRetrying(int ifindex, uint queueId, ushort flags)
    {
        sockaddr_xdp sa = default;
        sa.sxdp_family = AF_XDP;
        sa.sxdp_flags = flags;
        sa.sxdp_ifindex = (uint)ifindex;
        sa.sxdp_queue_id = queueId;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            int rc = XskNativeMethods.Bind(_fd, &sa, sizeof(sockaddr_xdp));
            if (rc != -EBUSY || clock.ElapsedMilliseconds > 1000) return rc;
            Thread.Sleep(20);
        }
    }

    /// <summary>getsockopt(XDP_STATISTICS): 0 or -errno.</summary>
    public int ReadStatistics(out xdp_statistics stats)
    {
        xdp_statistics s = default;
        int len = sizeof(xdp_statistics);
        int rc = XskNativeMethods.GetSockOpt(_fd, SOL_XDP, XDP_STATISTICS, &s, ref len);
        stats = s;
        return rc;
    }

    /// <summary>Unmaps the rings and closes the socket.</summary>
    public void Dispose()
    {
        if (_fd < 0) return;
        Fill.Dispose();
        Completion.Dispose();
        Rx.Dispose();
        Tx.Dispose();
        XskNativeMethods.Close(_fd);
        _fd = -1;
    }

    private static int SetSize(int fd, int option, uint entries) => XskNativeMethods.SetSockOpt(fd, SOL_XDP, option, &entries, sizeof(uint));

    private static int Fail(int rc, string step, out string failedStep)
    {
        failedStep = step;
        return rc;
    }

    private static int CloseAndFail(int fd, int rc, string step, out string failedStep)
    {
        XskNativeMethods.Close(fd);
        return Fail(rc, step, out failedStep);
    }
}
