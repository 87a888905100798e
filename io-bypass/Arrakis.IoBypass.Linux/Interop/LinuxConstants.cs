namespace Arrakis.IoBypass.Linux.Interop;

/// <summary>Linux x86-64/arm64 ABI constants used by the socket path (values from the kernel headers).</summary>
internal static class LinuxConstants
{
    public const int AF_INET = 2;
    public const int AF_INET6 = 10;
    public const int SOCK_STREAM = 1;
    public const int SOCK_DGRAM = 2;
    public const int SOCK_NONBLOCK = 0x800;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int SOL_SOCKET = 1;
    public const int SO_REUSEADDR = 2;
    public const int SO_KEEPALIVE = 9;
    public const int IPPROTO_TCP = 6;
    public const int IPPROTO_IPV6 = 41;
    public const int TCP_NODELAY = 1;
    public const int IPV6_V6ONLY = 26;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int EPOLLIN = 0x001;
    public const int EPOLLOUT = 0x004;
    public const int EPOLLERR = 0x008;
    public const int EPOLLHUP = 0x010;
    public const int EPOLLRDHUP = 0x2000;
    public const int EPOLLEXCLUSIVE = 1 << 28;
    public const int EPOLLET = 1 << 31;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;
    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EFD_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000;
    public const int EAGAIN = 11;
    public const int EINTR = 4;
    public const int ENFILE = 23;
    public const int EMFILE = 24;
    public const int ECONNABORTED = 103;
    public const int O_RDONLY = 0;
    public const int O_CLOEXEC = 0x80000;
    public const int TCP_KEEPIDLE = 4;
    public const int TCP_KEEPINTVL = 5;
    public const int TCP_KEEPCNT = 6;
}
