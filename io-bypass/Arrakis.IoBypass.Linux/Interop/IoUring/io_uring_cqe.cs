using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.IoUring;

/// <summary>The kernel's struct io_uring_cqe (16 bytes; rings are set up without IORING_SETUP_CQE32).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct io_uring_cqe
{
    public ulong user_data;
    public int res;
    public uint flags;
}
