using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.IoUring;

/// <summary>
/// The kernel's struct io_uring_sqe (64 bytes), with the union members this project uses:
/// <c>off</c> (file offset), <c>addr</c> (buffer), <c>rw_flags</c> (also fsync_flags),
/// <c>buf_index</c> (registered buffer for READ_FIXED/WRITE_FIXED).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct io_uring_sqe
{
    public byte opcode;
    public byte flags;
    public ushort ioprio;
    public int fd;
    public ulong off;
    public ulong addr;
    public uint len;
    public uint rw_flags;
    public ulong user_data;
    public ushort buf_index;
    public ushort personality;
    public int splice_fd_in;
    public ulong addr3;
    public ulong pad2;
}
