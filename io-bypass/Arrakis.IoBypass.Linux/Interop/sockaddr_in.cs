using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop;

/// <summary>The kernel's struct sockaddr_in (16 bytes). Port and address in network byte order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct sockaddr_in
{
    public ushort sin_family;
    public ushort sin_port;
    public uint sin_addr;
    public ulong sin_zero;
}
