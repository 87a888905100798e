using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop;

/// <summary>The kernel's struct __kernel_timespec (16 bytes, 64-bit seconds on every architecture).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct kernel_timespec
{
    public long tv_sec;
    public long tv_nsec;
}
