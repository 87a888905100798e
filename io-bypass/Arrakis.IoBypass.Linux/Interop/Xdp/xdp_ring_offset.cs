using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.Xdp;

/// <summary>The kernel's struct xdp_ring_offset (32 bytes): byte offsets of one ring's fields within its mmap.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xdp_ring_offset
{
    public ulong producer;
    public ulong consumer;
    public ulong desc;
    public ulong flags;
}
