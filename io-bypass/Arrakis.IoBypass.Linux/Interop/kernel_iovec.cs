using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop;

/// <summary>The kernel's struct iovec (16 bytes on 64-bit).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct kernel_iovec
{
    public nint iov_base;
    public nuint iov_len;
}
