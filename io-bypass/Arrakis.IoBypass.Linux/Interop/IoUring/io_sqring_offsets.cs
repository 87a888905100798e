using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.IoUring;

/// <summary>The kernel's struct io_sqring_offsets (40 bytes): byte offsets of the SQ ring's fields within its mmap.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct io_sqring_offsets
{
    public uint head;
    public uint tail;
    public uint ring_mask;
    public uint ring_entries;
    public uint flags;
    public uint dropped;
    public uint array;
    public uint resv1;
    public ulong user_addr;
}
