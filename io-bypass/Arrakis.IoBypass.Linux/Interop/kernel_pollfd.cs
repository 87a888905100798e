using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop;

/// <summary>The kernel's struct pollfd (8 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct kernel_pollfd
{
    public int fd;
    public short events;
    public short revents;
}
