using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.IoUring;

/// <summary>The kernel's struct io_cqring_offsets (40 bytes): byte offsets of the CQ ring's fields within its mmap.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct io_cqring_offsets
{
    public uint head;
    public uint tail;
    public uint ring_mask;
    public uint ring_entries;
    public uint overflow;
    public uint cqes;
    public uint flags;
    public uint resv1;
    public ulong user_addr;
}
