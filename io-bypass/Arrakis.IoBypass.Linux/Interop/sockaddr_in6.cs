using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop;

/// <summary>The kernel's struct sockaddr_in6 (28 bytes). Port in network byte order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct sockaddr_in6
{
    public ushort sin6_family;
    public ushort sin6_port;
    public uint sin6_flowinfo;
    public fixed byte sin6_addr[16];
    public uint sin6_scope_id;
}
