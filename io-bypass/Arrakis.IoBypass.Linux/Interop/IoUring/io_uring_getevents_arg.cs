using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.IoUring;

/// <summary>The kernel's struct io_uring_getevents_arg (24 bytes): io_uring_enter's argument with IORING_ENTER_EXT_ARG.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct io_uring_getevents_arg
{
    public ulong sigmask;
    public uint sigmask_sz;
    public uint min_wait_usec;
    public ulong ts;
}
