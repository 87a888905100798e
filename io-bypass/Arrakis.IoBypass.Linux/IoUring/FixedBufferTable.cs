using Arrakis.IoBypass.Linux.Block;
using Arrakis.IoBypass.Linux.Interop.IoUring;
using Arrakis.IoBypass.Linux.Interop;
using static Arrakis.IoBypass.Linux.Interop.IoUring.IoUringConstants;

namespace Arrakis.IoBypass.Linux.IoUring;

/// <summary>
/// The ring's registered-buffer table. Chosen design: one sparse table of a fixed size is registered
/// at setup (IORING_REGISTER_BUFFERS2 with IORING_RSRC_REGISTER_SPARSE), and each buffer the queue pair
/// allocates is put into a free slot with IORING_REGISTER_BUFFERS_UPDATE (and cleared when it is
/// disposed). So buffers can be allocated at any time without re-registering the whole set and without
/// quiescing the ring. When the kernel refuses the table (older than 5.19, or memlock limits), or one
/// buffer's update, that buffer stays unregistered and is used with plain WRITE/READ.
/// </summary>
/// <remarks>Startup path; same thread as the queue pair.</remarks>
internal sealed unsafe class FixedBufferTable
{
    private readonly IoUringRing _ring;
    private readonly bool[] _used;

    private FixedBufferTable(IoUringRing ring, int size)
    {
        _ring = ring;
        _used = new bool[size];
    }

    /// <summary>Registers an empty table of <paramref name="size"/> slots: 0 and the table, or -errno.</summary>
    public static int Create(IoUringRing ring, int size, out FixedBufferTable? table)
    {
        table = null;
        io_uring_rsrc_register rr = default;
        rr.nr = (uint)size;
        rr.flags = IORING_RSRC_REGISTER_SPARSE;
        int rc = ring.Register(IORING_REGISTER_BUFFERS2, &rr, (uint)sizeof(io_uring_rsrc_register));
        if (rc < 0) return rc;
        table = new FixedBufferTable(ring, size);
        return 0;
    }

    /// <summary>Puts <paramref name="buffer"/> into a free slot and sets its <see cref="NativeBlockBuffer.RegisteredIndex"/>; returns 0 or -errno (then it stays unregistered).</summary>
    public int Add(NativeBlockBuffer buffer)
    {
        int slot = Array.IndexOf(_used, false);
        if (slot < 0) return -BlockConstants.EBUSY;
        kernel_iovec iov = new() { iov_base = (nint)buffer.Pointer, iov_len = (nuint)buffer.ByteLength };
        int rc = Update(slot, &iov);
        if (rc < 0) return rc;
        _used[slot] = true;
        buffer.RegisteredIndex = slot;
        return 0;
    }

    /// <summary>Clears the buffer's slot (an empty iovec makes it sparse again).</summary>
    public void Remove(NativeBlockBuffer buffer)
    {
        int slot = buffer.RegisteredIndex;
        if (slot < 0) return;
        kernel_iovec empty = default;
        Update(slot, &empty);
        _used[slot] = false;
        buffer.RegisteredIndex = -1;
    }

    private int Update(int slot, kernel_iovec* iov)
    {
        io_uring_rsrc_update2 up = default;
        up.offset = (uint)slot;
        up.data = (ulong)iov;
        up.nr = 1;
        int rc = _ring.Register(IORING_REGISTER_BUFFERS_UPDATE, &up, (uint)sizeof(io_uring_rsrc_update2));
        return rc < 0 ? rc : 0;
    }
}
