namespace Arrakis.IoBypass.Linux.IoUring;

/// <summary>How an <see cref="IoUringQueuePair"/> sets up its ring.</summary>
/// <param name="Depth">Entries queued or in flight at once; the SQ ring gets at least this many (the CQ ring twice as many, so it cannot overflow).</param>
/// <param name="SqPoll">A kernel thread polls the SQ ring (IORING_SETUP_SQPOLL): Submit makes no syscall while it is awake. Off by default; cannot be combined with <paramref name="DsyncWrites"/> (measured ~4 ms per RWF_DSYNC write).</param>
/// <param name="RegisterBuffers">Register every buffer from AllocateBuffer as an io_uring fixed buffer (WRITE_FIXED/READ_FIXED); falls back to plain WRITE/READ per buffer when the kernel refuses.</param>
/// <param name="DsyncWrites">Honour <see cref="Arrakis.IoBypass.Block.BlockWriteFlags.Fua"/> with RWF_DSYNC (durable on completion, the portable FUA): HasFua becomes true.</param>
/// <param name="SqThreadIdleMs">SQPOLL only: how long the kernel thread spins before it sleeps.</param>
/// <param name="MaxRegisteredBuffers">Size of the sparse fixed-buffer table registered at setup.</param>
internal sealed record IoUringOptions(
    int Depth = 256,
    bool SqPoll = false,
    bool RegisterBuffers = true,
    bool DsyncWrites = false,
    uint SqThreadIdleMs = 50,
    int MaxRegisteredBuffers = 1024);
