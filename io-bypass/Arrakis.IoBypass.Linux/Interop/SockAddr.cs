using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Tmds.Linux;
using static Arrakis.IoBypass.Linux.Interop.LinuxConstants;

namespace Arrakis.IoBypass.Linux.Interop;

/// <summary>Converts between <see cref="IPEndPoint"/> and the kernel's sockaddr structs.</summary>
internal static unsafe class SockAddr
{
    /// <summary>Writes <paramref name="ep"/> into <paramref name="storage"/> (at least 28 bytes); returns the length.</summary>
    public static int Write(IPEndPoint ep, byte* storage)
    {
        if (ep.AddressFamily == AddressFamily.InterNetwork)
        {
            var sa = (sockaddr_in*)storage;
            *sa = default;
            sa->sin_family = AF_INET;
            sa->sin_port = BinaryPrimitives.ReverseEndianness((ushort)ep.Port);
            Span<byte> a = stackalloc byte[4];
            ep.Address.TryWriteBytes(a, out _);
            sa->sin_addr = BitConverter.ToUInt32(a);
            return sizeof(sockaddr_in);
        }
        var sa6 = (sockaddr_in6*)storage;
        *sa6 = default;
        sa6->sin6_family = AF_INET6;
        sa6->sin6_port = BinaryPrimitives.ReverseEndianness((ushort)ep.Port);
        ep.Address.TryWriteBytes(new Span<byte>(sa6->sin6_addr, 16), out _);
        sa6->sin6_scope_id = (uint)ep.Address.ScopeId;
        return sizeof(sockaddr_in6);
    }

    /// <summary>Reads a sockaddr_in or sockaddr_in6 as "ip:port" (IPv6 as Redis prints it: "ip:port" without brackets).</summary>
    public static string Format(byte* storage)
    {
        ushort family = *(ushort*)storage;
        if (family == AF_INET)
        {
            var sa = (sockaddr_in*)storage;
            var ip = new IPAddress(sa->sin_addr);
            return $"{ip}:{BinaryPrimitives.ReverseEndianness(sa->sin_port)}";
        }
        if (family == AF_INET6)
        {
            var sa6 = (sockaddr_in6*)storage;
            var ip = new IPAddress(new ReadOnlySpan<byte>(sa6->sin6_addr, 16));
            return $"{ip}:{BinaryPrimitives.ReverseEndianness(sa6->sin6_port)}";
        }
        return "?:0";
    }

    public static string Peer(int fd) => Query(fd, peer: true);

    public static string Local(int fd) => Query(fd, peer: false);

    private static string Query(int fd, bool peer)
    {
        byte* storage = stackalloc byte[128];
        socklen_t len = 128;
        int rc = peer ? LibC.getpeername(fd, (sockaddr*)storage, &len) : LibC.getsockname(fd, (sockaddr*)storage, &len);
        return rc == 0 ? Format(storage) : "?:0";
    }
}
