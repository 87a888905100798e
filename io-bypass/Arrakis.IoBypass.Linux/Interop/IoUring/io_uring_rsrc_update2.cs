using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.IoUring;

/// <summary>The kernel's struct io_uring_rsrc_update2 (32 bytes): IORING_REGISTER_BUFFERS_UPDATE's argument.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct io_uring_rsrc_update2
{
    public uint offset;
    public uint resv;
    public ulong data;
    public ulong tags;
    public uint nr;
    public uint resv2;
}
