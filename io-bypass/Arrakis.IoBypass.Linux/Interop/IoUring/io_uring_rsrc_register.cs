using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.IoUring;

/// <summary>The kernel's struct io_uring_rsrc_register (32 bytes): IORING_REGISTER_BUFFERS2's argument.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct io_uring_rsrc_register
{
    public uint nr;
    public uint flags;
    public ulong resv2;
    public ulong data;
    public ulong tags;
}
