using Arrakis.IoBypass.Linux.Interop.Xdp;
using Arrakis.IoBypass.Linux.Interop;
using Arrakis.IoBypass.Nic;

namespace Arrakis.IoBypass.Linux.Xdp;

/// <summary>
/// Opens AF_XDP NIC queues (the control module's entry point). Startup only: validates the options
/// (throws for impossible ones), then claims the interface step by step and reports what it got; a
/// refused step returns -errno and names it, and everything claimed before it is released.
/// </summary>
public static class AfXdpNicQueue
{
    /// <summary>
    /// One queue that owns its own XDP steering (map, program, link): the single-queue case and tests.
    /// Returns 0 with the queue and a one-line report of what was claimed and what fell back, or -errno
    /// with <paramref name="report"/> naming the step and the cause (root/CAP_NET_ADMIN+CAP_BPF for EPERM).
    /// </summary>
    public static int TryOpen(AfXdpQueueOptions options, out INicQueue? queue, out string report)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        queue = null;
        int rc = AttachSteering(options, out int ifindex, out XdpSteering? steering, out report);
        if (rc < 0) return rc;
        rc = Open(options, ifindex, steering!, ownsSteering: true, out AfXdpQueue? q, out report);
        if (rc < 0)
        {
            steering!.Dispose();
            return rc;
        }
        queue = q;
        return 0;
    }

    /// <summary>Resolves the interface and attaches the steering (map, program, link): 0, or -errno with the report naming the step.</summary>
    internal static int AttachSteering(AfXdpQueueOptions options, out int ifindex, out XdpSteering? steering, out string report)
    {
        steering = null;
        ifindex = XskNativeMethods.IfNameToIndex(options.Interface);
        if (ifindex < 0)
        {
            report = $"AF_XDP: interface '{options.Interface}': {ErrnoText.Format(ifindex)}";
            return ifindex;
        }
        int rc = XdpSteering.Attach(ifindex, options.Address, options.Port, options.Dedicated, options.QueueSlots, out steering, out string error);
        report = rc < 0 ? $"AF_XDP on {options.Interface}: {error}{Hint(rc)}" : "";
        return rc;
    }

    /// <summary>
    /// The socket, UMEM and rings of one queue, bound to <paramref name="ifindex"/> and registered in
    /// <paramref name="steering"/>'s XSKMAP. With <paramref name="ownsSteering"/> the queue's Dispose
    /// also detaches the program. Returns 0 or -errno with the failed step in <paramref name="report"/>.
    /// </summary>
    internal static int Open(AfXdpQueueOptions options, int ifindex, XdpSteering steering, bool ownsSteering, out AfXdpQueue? queue, out string report)
    {
        queue = null;
        int rc = Umem.Create(options.FrameSize, options.FrameCount, options.TryHugePages, out Umem? umem);
        if (rc < 0)
        {
            report = $"AF_XDP: UMEM of {options.FrameCount} x {options.FrameSize} B: mmap: {ErrnoText.Format(rc)}";
            return rc;
        }
        uint ring = options.RingSize;
        rc = XskSocket.Create(umem!, headroom: 0, ring, ring, ring, ring, out XskSocket? socket, out string step);
        if (rc < 0)
        {
            umem!.Dispose();
            report = $"AF_XDP: {step}: {ErrnoText.Format(rc)}{Hint(rc)}";
            return rc;
        }
        rc = socket!.Bind(ifindex, options.QueueId, options.TryZeroCopy);
        string what = socket.CopyReason is null ? "bind" : $"bind ({socket.CopyReason}, then copy mode)";
        if (rc == 0)
        {
            rc = steering.Register(options.QueueId, socket.Fd);
            what = "bpf(BPF_MAP_UPDATE_ELEM, XSKMAP)";
        }
        if (rc < 0)
        {
            socket.Dispose();
            umem!.Dispose();
            report = $"AF_XDP: {options.Interface} queue {options.QueueId}: {what}: {ErrnoText.Format(rc)}{Hint(rc)}";
            return rc;
        }
        string mode = socket.ZeroCopy ? "zero-copy" : "copy";
        string attach = steering.DriverMode ? "drv" : "skb";
        string name = $"af_xdp {options.Interface} queue {options.QueueId} ({mode}, need_wakeup, {attach})";
        var pool = new FramePool(options.FrameSize, options.FrameCount);
        queue = new AfXdpQueue(name, socket, umem!, pool, XdpConstants.XDP_PACKET_HEADROOM, ownsSteering ? steering : null);
        var fellBack = new List<string>();
        if (socket.CopyReason is not null) fellBack.Add(socket.CopyReason);
        if (steering.FallbackReason is not null) fellBack.Add(steering.FallbackReason);
        if (options.TryHugePages && !umem!.HugePages) fellBack.Add("no huge pages for the UMEM");
        report = $"{name}: steering {(options.Dedicated ? "dedicated" : "shared")} {options.Address}:{options.Port}, " +
                 $"UMEM {options.FrameCount} x {options.FrameSize} B{(umem!.HugePages ? " on huge pages" : "")}, rings {ring}" +
                 (fellBack.Count > 0 ? $"; fell back: {string.Join("; ", fellBack)}" : "");
        return 0;
    }

    private static string Hint(int rc) => rc == -XdpConstants.EPERM ? " (needs root, or CAP_NET_ADMIN + CAP_BPF)" : "";
}
