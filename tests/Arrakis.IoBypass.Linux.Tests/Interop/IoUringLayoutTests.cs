using Arrakis.IoBypass.Linux.Interop.IoUring;
using Arrakis.IoBypass.Linux.Interop;

namespace Arrakis.IoBypass.Linux.Tests.Interop;

/// <summary>The io_uring and storage ABI structs have the kernel's sizes and field offsets (include/uapi/linux/io_uring.h, stat.h, uio.h, poll.h).</summary>
public sealed unsafe class IoUringLayoutTests
{
    private static long Offset<T>(T* s, void* field) where T : unmanaged => (byte*)field - (byte*)s;

    [Fact]
    public void Io_sqring_offsets_matches_the_kernel_layout()
    {
        Assert.Equal(40, sizeof(io_sqring_offsets));
        io_sqring_offsets s = default;
        Assert.Equal(0, Offset(&s, &s.head));
        Assert.Equal(4, Offset(&s, &s.tail));
        Assert.Equal(8, Offset(&s, &s.ring_mask));
        Assert.Equal(12, Offset(&s, &s.ring_entries));
        Assert.Equal(16, Offset(&s, &s.flags));
        Assert.Equal(20, Offset(&s, &s.dropped));
        Assert.Equal(24, Offset(&s, &s.array));
        Assert.Equal(32, Offset(&s, &s.user_addr));
    }

    [Fact]
    public void Io_cqring_offsets_matches_the_kernel_layout()
    {
        Assert.Equal(40, sizeof(io_cqring_offsets));
        io_cqring_offsets s = default;
        Assert.Equal(16, Offset(&s, &s.overflow));
        Assert.Equal(20, Offset(&s, &s.cqes));
        Assert.Equal(24, Offset(&s, &s.flags));
        Assert.Equal(32, Offset(&s, &s.user_addr));
    }

    [Fact]
    public void Io_uring_params_matches_the_kernel_layout()
    {
        Assert.Equal(120, sizeof(io_uring_params));
        io_uring_params p = default;
        Assert.Equal(8, Offset(&p, &p.flags));
        Assert.Equal(16, Offset(&p, &p.sq_thread_idle));
        Assert.Equal(20, Offset(&p, &p.features));
        Assert.Equal(24, Offset(&p, &p.wq_fd));
        Assert.Equal(28, Offset(&p, p.resv));
        Assert.Equal(40, Offset(&p, &p.sq_off));
        Assert.Equal(80, Offset(&p, &p.cq_off));
    }

    [Fact]
    public void Io_uring_sqe_is_64_bytes_with_the_kernel_offsets()
    {
        Assert.Equal(64, sizeof(io_uring_sqe));
        io_uring_sqe s = default;
        Assert.Equal(0, Offset(&s, &s.opcode));
        Assert.Equal(1, Offset(&s, &s.flags));
        Assert.Equal(2, Offset(&s, &s.ioprio));
        Assert.Equal(4, Offset(&s, &s.fd));
        Assert.Equal(8, Offset(&s, &s.off));
        Assert.Equal(16, Offset(&s, &s.addr));
        Assert.Equal(24, Offset(&s, &s.len));
        Assert.Equal(28, Offset(&s, &s.rw_flags));
        Assert.Equal(32, Offset(&s, &s.user_data));
        Assert.Equal(40, Offset(&s, &s.buf_index));
        Assert.Equal(42, Offset(&s, &s.personality));
        Assert.Equal(44, Offset(&s, &s.splice_fd_in));
        Assert.Equal(48, Offset(&s, &s.addr3));
        Assert.Equal(56, Offset(&s, &s.pad2));
    }

    [Fact]
    public void Io_uring_cqe_is_16_bytes_with_the_kernel_offsets()
    {
        Assert.Equal(16, sizeof(io_uring_cqe));
        io_uring_cqe c = default;
        Assert.Equal(8, Offset(&c, &c.res));
        Assert.Equal(12, Offset(&c, &c.flags));
    }

    [Fact]
    public void Register_and_enter_arguments_match_the_kernel_layout()
    {
        Assert.Equal(24, sizeof(io_uring_getevents_arg));
        io_uring_getevents_arg a = default;
        Assert.Equal(8, Offset(&a, &a.sigmask_sz));
        Assert.Equal(12, Offset(&a, &a.min_wait_usec));
        Assert.Equal(16, Offset(&a, &a.ts));
        Assert.Equal(16, sizeof(kernel_timespec));
        Assert.Equal(32, sizeof(io_uring_rsrc_register));
        io_uring_rsrc_register r = default;
        Assert.Equal(16, Offset(&r, &r.data));
        Assert.Equal(24, Offset(&r, &r.tags));
        Assert.Equal(32, sizeof(io_uring_rsrc_update2));
        io_uring_rsrc_update2 u = default;
        Assert.Equal(8, Offset(&u, &u.data));
        Assert.Equal(16, Offset(&u, &u.tags));
        Assert.Equal(24, Offset(&u, &u.nr));
        Assert.Equal(16, sizeof(kernel_iovec));
        Assert.Equal(8, sizeof(kernel_pollfd));
    }

    [Fact]
    public void Statx_matches_the_kernel_layout()
    {
        Assert.Equal(256, sizeof(kernel_statx));
        kernel_statx s = default;
        Assert.Equal(28, Offset(&s, &s.stx_mode));
        Assert.Equal(40, Offset(&s, &s.stx_size));
        Assert.Equal(128, Offset(&s, &s.stx_rdev_major));
        Assert.Equal(144, Offset(&s, &s.stx_mnt_id));
        Assert.Equal(152, Offset(&s, &s.stx_dio_mem_align));
        Assert.Equal(156, Offset(&s, &s.stx_dio_offset_align));
    }
}
