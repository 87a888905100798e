using System.Net;
using Arrakis.IoBypass.Linux.Interop;
using Tmds.Linux;
using static Arrakis.IoBypass.Linux.Interop.LinuxConstants;

namespace Arrakis.IoBypass.Linux.Sockets;

/// <summary>
/// The listening TCP sockets (one per bind address), created once at startup and shared by every
/// data-plane thread's <see cref="EpollConnectionSource"/> (each adds them with EPOLLEXCLUSIVE).
/// </summary>
public sealed unsafe class KernelListener : IDisposable
{
    private readonly List<int> _fds = new();

    /// <summary>Binds and listens; throws <see cref="InvalidOperationException"/> naming the address and errno on failure.</summary>
    public KernelListener(IEnumerable<string> bindAddresses, int port, int backlog)
    {
        try
        {
            foreach (var text in bindAddresses)
            {
                string host = text.TrimStart('-');
                var address = host == "*" ? IPAddress.Any : IPAddress.Parse(host);
                _fds.Add(Listen(new IPEndPoint(address, port), backlog));
            }
            Port = port == 0 && _fds.Count > 0 ? int.Parse(SockAddr.Local(_fds[0]).Split(':')[^1], System.Globalization.CultureInfo.InvariantCulture) : port;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public IReadOnlyList<int> Descriptors => _fds;

    /// <summary>The port actually bound (useful when 0 was asked for).</summary>
    public int Port { get; }

    private static int Listen(IPEndPoint ep, int backlog)
    {
        int family = ep.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? AF_INET6 : AF_INET;
        int fd = LibC.socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) throw Fail("socket", ep);
        int one = 1;
        LibC.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(int));
        if (family == AF_INET6) LibC.setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(int));
        byte* storage = stackalloc byte[64];
        int len = SockAddr.Write(ep, storage);
        if (LibC.bind(fd, (sockaddr*)storage, len) != 0)
        {
            var e = Fail("bind", ep);
            LibC.close(fd);
            throw e;
        }
        if (LibC.listen(fd, backlog) != 0)
        {
            var e = Fail("listen", ep);
            LibC.close(fd);
            throw e;
        }
        return fd;
    }

    private static InvalidOperationException Fail(string call, IPEndPoint ep)
    {
        int errno = LibC.errno;
        return new InvalidOperationException($"Could not create server TCP listening socket {ep}: {call}: {Errors.Describe(errno)}");
    }

    public void Dispose()
    {
        foreach (int fd in _fds) LibC.close(fd);
        _fds.Clear();
    }
}
