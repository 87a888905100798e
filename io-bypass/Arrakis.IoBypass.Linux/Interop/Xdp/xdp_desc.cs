using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.Xdp;

/// <summary>The kernel's struct xdp_desc (16 bytes): one RX or TX ring entry (fill and completion entries are a bare u64 address).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct xdp_desc
{
    /// <summary>UMEM offset of the frame's first byte.</summary>
    public ulong addr;
    public uint len;
    public uint options;
}
