using System.Runtime.CompilerServices;
using Arrakis.IoBypass.Linux.Interop;

namespace Arrakis.IoBypass.Linux.Tests.Interop;

/// <summary>The kernel ABI structs have the kernel's sizes and field offsets (linux/in.h, linux/in6.h).</summary>
public sealed unsafe class SockaddrLayoutTests
{
    [Fact]
    public void Sockaddr_in_matches_the_kernel_layout()
    {
        Assert.Equal(16, sizeof(sockaddr_in));
        sockaddr_in s = default;
        byte* b = (byte*)&s;
        Assert.Equal(0, (byte*)&s.sin_family - b);
        Assert.Equal(2, (byte*)&s.sin_port - b);
        Assert.Equal(4, (byte*)&s.sin_addr - b);
        Assert.Equal(8, (byte*)&s.sin_zero - b);
    }

    [Fact]
    public void Sockaddr_in6_matches_the_kernel_layout()
    {
        Assert.Equal(28, sizeof(sockaddr_in6));
        sockaddr_in6 s = default;
        byte* b = (byte*)&s;
        Assert.Equal(2, (byte*)&s.sin6_port - b);
        Assert.Equal(4, (byte*)&s.sin6_flowinfo - b);
        Assert.Equal(8, s.sin6_addr - b);
        Assert.Equal(24, (byte*)&s.sin6_scope_id - b);
    }

    [Fact]
    public void Endpoints_round_trip_through_sockaddr()
    {
        byte* storage = stackalloc byte[64];
        SockAddr.Write(new System.Net.IPEndPoint(System.Net.IPAddress.Parse("198.18.3.4"), 6379), storage);
        Assert.Equal("198.18.3.4:6379", SockAddr.Format(storage));
        SockAddr.Write(new System.Net.IPEndPoint(System.Net.IPAddress.IPv6Loopback, 6380), storage);
        Assert.Equal("::1:6380", SockAddr.Format(storage));
    }
}
