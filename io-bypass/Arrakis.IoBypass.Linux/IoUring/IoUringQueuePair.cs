using Arrakis.IoBypass.Block;
using Arrakis.IoBypass.Linux.Block;
using Arrakis.IoBypass.Linux.Interop.IoUring;
using Arrakis.IoBypass.Linux.Interop;
using LibC = Tmds.Linux.LibC;
using static Arrakis.IoBypass.Linux.Interop.IoUring.IoUringConstants;

namespace Arrakis.IoBypass.Linux.IoUring;

/// <summary>
/// <see cref="IQueuePair"/> over io_uring (raw syscalls, no liburing) on an O_DIRECT file or block
/// device: writes are IORING_OP_WRITE_FIXED (registered buffers, see <see cref="FixedBufferTable"/>) or
/// IORING_OP_WRITE, reads READ_FIXED/READ, flushes IORING_OP_FSYNC with IORING_FSYNC_DATASYNC. A flush
/// queued with afterPrevious sets IOSQE_IO_LINK on the entry queued just before it in the same batch
/// (the kernel completes the flush with -ECANCELED if that entry fails or is short); when there is no
/// such entry but earlier batches are still in flight it gets IOSQE_IO_DRAIN (starts after all of them).
/// Completions are posted to an eventfd registered with IORING_REGISTER_EVENTFD.
/// </summary>
/// <remarks>
/// Not thread-safe (see <see cref="IQueuePair"/>). The CQ ring has twice the SQ entries and at most
/// <see cref="Depth"/> entries are outstanding (queued, in flight or unreaped), so it never overflows.
/// Owns the file descriptor it is given, the ring, the eventfd and every buffer it allocated.
/// </remarks>
internal sealed unsafe class IoUringQueuePair : IQueuePair
{
    private readonly IoUringRing _ring;
    private readonly CompletionSignal _signal;
    private readonly FixedBufferTable? _fixedBuffers;
    private readonly List<NativeBlockBuffer> _buffers = new();
    private readonly bool _sqPoll;
    private int _fd;
    private int _outstanding;
    private io_uring_sqe* _lastQueued;

    private IoUringQueuePair(int fd, long capacity, int blockSize, IoUringOptions options, IoUringRing ring, CompletionSignal signal, FixedBufferTable? fixedBuffers, int registerErrno)
    {
        _fd = fd;
        _ring = ring;
        _signal = signal;
        _fixedBuffers = fixedBuffers;
        _sqPoll = options.SqPoll;
        Capacity = capacity;
        BlockSize = blockSize;
        Depth = options.Depth;
        HasFua = options.DsyncWrites;
        RegisterBuffersErrno = registerErrno;
    }

    /// <summary>
    /// Sets up a ring of <see cref="IoUringOptions.Depth"/> entries for <paramref name="fd"/> (opened
    /// O_DIRECT, read/write). On success returns 0 and the queue pair, which then owns
    /// <paramref name="fd"/>; on failure returns -errno, names the refused step, and leaves the fd open.
    /// Startup path.
    /// </summary>
    public static int Create(int fd, long capacity, int blockSize, IoUringOptions options, out IoUringQueuePair? pair, out string failedStep)
    {
        pair = null;
        if (blockSize <= 0 || (blockSize & (blockSize - 1)) != 0) throw new ArgumentException("block size must be a power of two", nameof(blockSize));
        if (capacity < 0 || capacity % blockSize != 0) throw new ArgumentException("capacity must be a multiple of the block size", nameof(capacity));
        if (options.Depth is <= 0 or > 32768) throw new ArgumentException("depth must be 1..32768", nameof(options));
        if (options.SqPoll && options.DsyncWrites) throw new ArgumentException("SQPOLL with RWF_DSYNC writes is refused (measured ~4 ms per write)", nameof(options));
        uint flags = options.SqPoll ? IORING_SETUP_SQPOLL : 0;
        int rc = IoUringRing.Create((uint)options.Depth, flags, options.SqThreadIdleMs, out var ring, out failedStep);
        if (rc < 0) return rc;
        rc = CompletionSignal.Create(out var signal);
        if (rc < 0)
        {
            ring!.Dispose();
            failedStep = "eventfd";
            return rc;
        }
        int efd = signal!.Fd;
        rc = ring!.Register(IORING_REGISTER_EVENTFD, &efd, 1);
        if (rc < 0)
        {
            signal.Dispose();
            ring.Dispose();
            failedStep = "IORING_REGISTER_EVENTFD";
            return rc;
        }
        FixedBufferTable? table = null;
        int registerErrno = 0;
        if (options.RegisterBuffers) registerErrno = FixedBufferTable.Create(ring, options.MaxRegisteredBuffers, out table);
        pair = new IoUringQueuePair(fd, capacity, blockSize, options, ring, signal, table, registerErrno);
        failedStep = "";
        return 0;
    }

    public string Name => "io_uring";
    public int BlockSize { get; }
    public long Capacity { get; }
    public int Depth { get; }
    public bool HasFua { get; }
    public int CompletionEventFd => _signal.Fd;

    /// <summary>IORING_FEAT_* flags the kernel reported.</summary>
    public uint Features => _ring.Features;

    /// <summary>True when buffers are registered as fixed buffers.</summary>
    public bool RegistersBuffers => _fixedBuffers != null;

    /// <summary>-errno of the refused fixed-buffer table, 0 when it was granted or not asked for.</summary>
    public int RegisterBuffersErrno { get; }

    /// <summary>For the startup report: "features 0x..., registered buffers, eventfd[, SQPOLL]".</summary>
    public string Describe()
    {
        string buffers = RegistersBuffers ? "registered buffers"
            : RegisterBuffersErrno < 0 ? $"unregistered buffers ({ErrnoText.Name(-RegisterBuffersErrno)})" : "unregistered buffers";
        return $"features 0x{Features:x}, {buffers}, eventfd{(_sqPoll ? ", SQPOLL" : "")}{(HasFua ? ", RWF_DSYNC for FUA" : "")}";
    }

    public BlockBuffer AllocateBuffer(int length)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        var buffer = new NativeBlockBuffer(this, BlockRequestCheck.RoundUp(length, Math.Max(BlockSize, NativeBlockBuffer.Alignment)), Release);
        _fixedBuffers?.Add(buffer);
        _buffers.Add(buffer);
        return buffer;
    }

    private void Release(NativeBlockBuffer buffer)
    {
        _fixedBuffers?.Remove(buffer);
        _buffers.Remove(buffer);
    }

    public int QueueWrite(BlockBuffer buffer, int bufferOffset, int length, long deviceOffset, BlockWriteFlags flags, ulong tag)
    {
        var native = BlockRequestCheck.Check(this, buffer, bufferOffset, length, deviceOffset);
        if (native == null) return -BlockErrno.EINVAL;
        io_uring_sqe* sqe = Take();
        if (sqe == null) return -BlockErrno.EAGAIN;
        bool fixedBuffer = native.RegisteredIndex >= 0;
        sqe->opcode = fixedBuffer ? IORING_OP_WRITE_FIXED : IORING_OP_WRITE;
        Fill(sqe, native, bufferOffset, length, deviceOffset, tag);
        if ((flags & BlockWriteFlags.Fua) != 0 && HasFua) sqe->rw_flags = BlockConstants.RWF_DSYNC;
        return 0;
    }

    public int QueueRead(BlockBuffer buffer, int bufferOffset, int length, long deviceOffset, ulong tag)
    {
        var native = BlockRequestCheck.Check(this, buffer, bufferOffset, length, deviceOffset);
        if (native == null) return -BlockErrno.EINVAL;
        io_uring_sqe* sqe = Take();
        if (sqe == null) return -BlockErrno.EAGAIN;
        sqe->opcode = native.RegisteredIndex >= 0 ? IORING_OP_READ_FIXED : IORING_OP_READ;
        Fill(sqe, native, bufferOffset, length, deviceOffset, tag);
        return 0;
    }

    public int QueueFlush(ulong tag, bool afterPrevious)
    {
        int inFlightBefore = _outstanding;
        io_uring_sqe* previous = _lastQueued;
        io_uring_sqe* sqe = Take();
        if (sqe == null) return -BlockErrno.EAGAIN;
        sqe->opcode = IORING_OP_FSYNC;
        sqe->fd = _fd;
        sqe->rw_flags = IORING_FSYNC_DATASYNC;
        sqe->user_data = tag;
        if (afterPrevious)
        {
            if (previous != null) previous->flags |= IOSQE_IO_LINK;
            else if (inFlightBefore > 0) sqe->flags |= IOSQE_IO_DRAIN;
        }
        return 0;
    }

    /// <summary>A zeroed SQE counted as outstanding, or null when <see cref="Depth"/> entries are outstanding.</summary>
    private io_uring_sqe* Take()
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        if (_outstanding >= Depth) return null;
        io_uring_sqe* sqe = _ring.NextSqe();
        if (sqe == null) return null;
        _outstanding++;
        _lastQueued = sqe;
        return sqe;
    }

    private void Fill(io_uring_sqe* sqe, NativeBlockBuffer buffer, int bufferOffset, int length, long deviceOffset, ulong tag)
    {
        sqe->fd = _fd;
        sqe->off = (ulong)deviceOffset;
        sqe->addr = (ulong)(buffer.Pointer + bufferOffset);
        sqe->len = (uint)length;
        sqe->user_data = tag;
        if (buffer.RegisteredIndex >= 0) sqe->buf_index = (ushort)buffer.RegisteredIndex;
    }

    /// <summary>
    /// Publishes the queued SQEs and calls io_uring_enter to submit them (with SQPOLL: only to wake the
    /// kernel thread when it sleeps). Returns the number the kernel took, or -errno (-EAGAIN, -EBUSY:
    /// the entries stay in the SQ ring and the next Submit hands them over). Never waits.
    /// </summary>
    public int Submit()
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        _lastQueued = null;
        _ring.PublishSq();
        uint pending = _ring.SqPending;
        if (pending == 0) return 0;
        if (_sqPoll)
        {
            if (_ring.SqNeedsWakeup)
            {
                int woke = _ring.Enter(0, 0, IORING_ENTER_SQ_WAKEUP, null, 0);
                if (woke < 0) return woke;
            }
            return (int)pending;
        }
        while (true)
        {
            int rc = _ring.Enter(pending, 0, 0, null, 0);
            if (rc == -BlockConstants.EINTR) continue;
            return rc;
        }
    }

    /// <summary>
    /// Moves posted CQEs into <paramref name="completions"/> without any syscall. When more CQEs wait
    /// than fit, the eventfd is signalled again so a watcher comes back for them. Never blocks. The
    /// eventfd is not drained here: its watcher is edge-triggered (every signal wakes it, whatever the
    /// counter holds), so reading it back would only cost a syscall per completion.
    /// </summary>
    public int ProcessCompletions(Span<BlockCompletion> completions)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        uint ready = _ring.CqReady;
        int n = (int)Math.Min(ready, (uint)completions.Length);
        for (int i = 0; i < n; i++)
        {
            ref readonly io_uring_cqe cqe = ref _ring.CqeAt((uint)i);
            completions[i] = new BlockCompletion(cqe.user_data, cqe.res);
        }
        _ring.CqAdvance((uint)n);
        _outstanding -= n;
        if (ready > (uint)n) _signal.Signal();
        return n;
    }

    /// <summary>
    /// Blocks in io_uring_enter(GETEVENTS) until a CQE is posted or <paramref name="timeoutMs"/> passed
    /// (IORING_ENTER_EXT_ARG timeout; poll() on the eventfd on kernels without it). 0 or -ETIME / -errno.
    /// </summary>
    public int WaitForCompletion(int timeoutMs)
    {
        ObjectDisposedException.ThrowIf(_fd < 0, this);
        if (_ring.CqReady > 0) return 0;
        if ((_ring.Features & IORING_FEAT_EXT_ARG) == 0)
        {
            // The eventfd is never drained on the data path (an edge-triggered watcher is woken by every
            // signal whatever the counter holds): poll() needs it at zero, then a CQE posted since is seen.
            _signal.Drain();
            return _ring.CqReady > 0 ? 0 : _signal.WaitReadable(timeoutMs);
        }
        kernel_timespec ts = new() { tv_sec = timeoutMs / 1000, tv_nsec = timeoutMs % 1000 * 1_000_000L };
        io_uring_getevents_arg arg = default;
        if (timeoutMs >= 0) arg.ts = (ulong)&ts;
        while (true)
        {
            int rc = _ring.Enter(0, 1, IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, &arg, (nuint)sizeof(io_uring_getevents_arg));
            if (rc == -BlockConstants.EINTR) continue;
            if (rc < 0) return rc;
            return _ring.CqReady > 0 ? 0 : -BlockErrno.ETIME;
        }
    }

    /// <summary>
    /// Waits (up to 5 s) for entries still in flight so the kernel no longer writes into buffer memory,
    /// then closes the ring, the eventfd and the file, and frees every buffer.
    /// </summary>
    public void Dispose()
    {
        if (_fd < 0) return;
        Submit();
        Span<BlockCompletion> sink = stackalloc BlockCompletion[32];
        var deadline = Environment.TickCount64 + 5000;
        while (_outstanding > 0 && Environment.TickCount64 < deadline)
        {
            if (ProcessCompletions(sink) == 0) WaitForCompletion(100);
        }
        foreach (var buffer in _buffers.ToArray()) buffer.Dispose();
        _ring.Dispose();
        _signal.Dispose();
        LibC.close(_fd);
        _fd = -1;
    }
}
