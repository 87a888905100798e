using Arrakis.IoBypass.Linux.Interop.IoUring;
using Arrakis.IoBypass.Linux.Interop;
using LibC = Tmds.Linux.LibC;
using static Arrakis.IoBypass.Linux.Interop.IoUring.IoUringConstants;

namespace Arrakis.IoBypass.Linux.IoUring;

/// <summary>
/// One io_uring instance: the ring fd, the mmapped SQ ring, CQ ring and SQE array (one mapping for both
/// rings when the kernel has IORING_FEAT_SINGLE_MMAP). The only place that touches the shared ring
/// indices: the SQ tail and the CQ head are published with <see cref="Volatile.Write(ref uint, uint)"/>,
/// the kernel's SQ head and CQ tail are read with <see cref="Volatile.Read(ref uint)"/>.
/// </summary>
/// <remarks>
/// Not thread-safe: one thread owns the submission side and the completion side. The SQ index array is
/// filled once with the identity (slot i names SQE i), so an SQE's slot is its tail position.
/// </remarks>
internal sealed unsafe class IoUringRing : IDisposable
{
    private readonly nint _sqRing;
    private readonly nuint _sqRingSize;
    private readonly nint _cqRing;
    private readonly nuint _cqRingSize;
    private readonly nint _sqesMap;
    private readonly nuint _sqesSize;

    private readonly uint* _sqHead;
    private readonly uint* _sqTail;
    private readonly uint* _sqFlags;
    private readonly uint _sqMask;
    private readonly io_uring_sqe* _sqes;
    private readonly uint* _cqHead;
    private readonly uint* _cqTail;
    private readonly uint _cqMask;
    private readonly io_uring_cqe* _cqes;

    private uint _sqLocalTail;
    private int _fd;

    private IoUringRing(int fd, in io_uring_params p, nint sqRing, nuint sqRingSize, nint cqRing, nuint cqRingSize, nint sqes, nuint sqesSize)
    {
        _fd = fd;
        Features = p.features;
        SetupFlags = p.flags;
        SqEntries = p.sq_entries;
        CqEntries = p.cq_entries;
        _sqRing = sqRing;
        _sqRingSize = sqRingSize;
        _cqRing = cqRing;
        _cqRingSize = cqRingSize;
        _sqesMap = sqes;
        _sqesSize = sqesSize;
        byte* sq = (byte*)sqRing;
        byte* cq = (byte*)cqRing;
        _sqHead = (uint*)(sq + p.sq_off.head);
        _sqTail = (uint*)(sq + p.sq_off.tail);
        _sqFlags = (uint*)(sq + p.sq_off.flags);
        _sqMask = *(uint*)(sq + p.sq_off.ring_mask);
        uint* array = (uint*)(sq + p.sq_off.array);
        for (uint i = 0; i < p.sq_entries; i++) array[i] = i;
        _sqes = (io_uring_sqe*)sqes;
        _cqHead = (uint*)(cq + p.cq_off.head);
        _cqTail = (uint*)(cq + p.cq_off.tail);
        _cqMask = *(uint*)(cq + p.cq_off.ring_mask);
        _cqes = (io_uring_cqe*)(cq + p.cq_off.cqes);
        _sqLocalTail = Volatile.Read(ref *_sqTail);
    }

    public int Fd => _fd;
    public uint Features { get; }
    public uint SetupFlags { get; }
    public uint SqEntries { get; }
    public uint CqEntries { get; }

    /// <summary>
    /// io_uring_setup with <paramref name="entries"/> SQ entries and <paramref name="setupFlags"/>, then
    /// the three mmaps. Returns 0 and the ring, or -errno and names the step that failed.
    /// </summary>
    public static int Create(uint entries, uint setupFlags, uint sqThreadIdleMs, out IoUringRing? ring, out string failedStep)
    {
        ring = null;
        io_uring_params p = default;
        p.flags = setupFlags;
        p.sq_thread_idle = sqThreadIdleMs;
        int fd = NativeMethods.IoUringSetup(entries, &p);
        if (fd < 0)
        {
            failedStep = "io_uring_setup";
            return fd;
        }
        nuint sqSize = p.sq_off.array + p.sq_entries * sizeof(uint);
        nuint cqSize = p.cq_off.cqes + p.cq_entries * (nuint)sizeof(io_uring_cqe);
        bool single = (p.features & IORING_FEAT_SINGLE_MMAP) != 0;
        if (single) sqSize = cqSize = Math.Max(sqSize, cqSize);
        nint sq = NativeMethods.MapShared(fd, sqSize, IORING_OFF_SQ_RING);
        if (sq < 0)
        {
            LibC.close(fd);
            failedStep = "mmap(SQ ring)";
            return (int)sq;
        }
        nint cq = sq;
        if (!single)
        {
            cq = NativeMethods.MapShared(fd, cqSize, IORING_OFF_CQ_RING);
            if (cq < 0)
            {
                NativeMethods.Unmap(sq, sqSize);
                LibC.close(fd);
                failedStep = "mmap(CQ ring)";
                return (int)cq;
            }
        }
        nuint sqesSize = p.sq_entries * (nuint)sizeof(io_uring_sqe);
        nint sqes = NativeMethods.MapShared(fd, sqesSize, IORING_OFF_SQES);
        if (sqes < 0)
        {
            if (!single) NativeMethods.Unmap(cq, cqSize);
            NativeMethods.Unmap(sq, sqSize);
            LibC.close(fd);
            failedStep = "mmap(SQEs)";
            return (int)sqes;
        }
        ring = new IoUringRing(fd, p, sq, sqSize, cq, single ? 0 : cqSize, sqes, sqesSize);
        failedStep = "";
        return 0;
    }

    /// <summary>Entries queued with <see cref="NextSqe"/> that the kernel has not consumed yet (published or not).</summary>
    public uint SqPending => _sqLocalTail - Volatile.Read(ref *_sqHead);

    /// <summary>The next free SQE, zeroed, or null when the SQ ring is full. Invisible to the kernel until <see cref="PublishSq"/>.</summary>
    public io_uring_sqe* NextSqe()
    {
        if (_sqLocalTail - Volatile.Read(ref *_sqHead) >= SqEntries) return null;
        io_uring_sqe* sqe = &_sqes[_sqLocalTail & _sqMask];
        *sqe = default;
        _sqLocalTail++;
        return sqe;
    }

    /// <summary>Makes every SQE taken so far visible to the kernel (release store of the SQ tail).</summary>
    public void PublishSq() => Volatile.Write(ref *_sqTail, _sqLocalTail);

    /// <summary>SQPOLL only: the kernel thread went to sleep and needs IORING_ENTER_SQ_WAKEUP.</summary>
    public bool SqNeedsWakeup => (Volatile.Read(ref *_sqFlags) & IORING_SQ_NEED_WAKEUP) != 0;

    /// <summary>Completions posted and not yet consumed (acquire load of the CQ tail).</summary>
    public uint CqReady => Volatile.Read(ref *_cqTail) - *_cqHead;

    /// <summary>The <paramref name="index"/>-th unconsumed completion (index &lt; <see cref="CqReady"/>).</summary>
    public ref readonly io_uring_cqe CqeAt(uint index) => ref _cqes[(*_cqHead + index) & _cqMask];

    /// <summary>Gives <paramref name="count"/> consumed completions back to the kernel (release store of the CQ head).</summary>
    public void CqAdvance(uint count) => Volatile.Write(ref *_cqHead, *_cqHead + count);

    public int Enter(uint toSubmit, uint minComplete, uint flags, void* arg, nuint argSize) =>
        NativeMethods.IoUringEnter(_fd, toSubmit, minComplete, flags, arg, argSize);

    public int Register(uint opcode, void* arg, uint nrArgs) => NativeMethods.IoUringRegister(_fd, opcode, arg, nrArgs);

    public void Dispose()
    {
        if (_fd < 0) return;
        NativeMethods.Unmap(_sqesMap, _sqesSize);
        if (_cqRingSize != 0) NativeMethods.Unmap(_cqRing, _cqRingSize);
        NativeMethods.Unmap(_sqRing, _sqRingSize);
        LibC.close(_fd);
        _fd = -1;
    }
}
