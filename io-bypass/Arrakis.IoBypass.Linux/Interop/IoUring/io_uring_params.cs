using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.IoUring;

/// <summary>The kernel's struct io_uring_params (120 bytes): io_uring_setup's in/out argument.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct io_uring_params
{
    public uint sq_entries;
    public uint cq_entries;
    public uint flags;
    public uint sq_thread_cpu;
    public uint sq_thread_idle;
    public uint features;
    public uint wq_fd;
    public fixed uint resv[3];
    public io_sqring_offsets sq_off;
    public io_cqring_offsets cq_off;
}
