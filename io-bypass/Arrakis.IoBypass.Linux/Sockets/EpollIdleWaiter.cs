using Arrakis.IoBypass.Transport;
using Tmds.Linux;
using static Arrakis.IoBypass.Linux.Interop.LinuxConstants;

namespace Arrakis.IoBypass.Linux.Sockets;

/// <summary>
/// The idle wait of a network source that has no epoll of its own (the user-space stack over an AF_XDP
/// queue): one epoll set holding the queue's fd (level-triggered: readable while frames wait), the fds
/// added with <see cref="Watch"/> (edge-triggered, as the log's completion eventfd is watched: never
/// read here) and an eventfd for cross-thread <see cref="Wake"/> (read back when it fired).
/// </summary>
/// <remarks><see cref="Wait"/> and <see cref="Watch"/> on the owning thread; <see cref="Wake"/> from any.</remarks>
public sealed unsafe class EpollIdleWaiter : IIdleWaiter
{
    private const ulong WakeTag = 1;
    private readonly int _epoll;
    private readonly int _wakeFd;

    /// <summary>Waits on <paramref name="queueFd"/> (an AF_XDP socket: POLLIN when its RX ring has frames), or on nothing when it is -1.</summary>
    public EpollIdleWaiter(int queueFd)
    {
        _epoll = LibC.epoll_create1(EPOLL_CLOEXEC);
        if (_epoll < 0) throw new InvalidOperationException($"epoll_create1 failed: errno {LibC.errno}");
        _wakeFd = LibC.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (_wakeFd < 0) throw new InvalidOperationException($"eventfd failed: errno {LibC.errno}");
        Add(_wakeFd, EPOLLIN, WakeTag);
        if (queueFd >= 0) Add(queueFd, EPOLLIN, 2);
    }

    public void Wait(int timeoutMs)
    {
        if (timeoutMs == 0) return;
        epoll_event* events = stackalloc epoll_event[8];
        int n = LibC.epoll_wait(_epoll, events, 8, timeoutMs);
        for (int i = 0; i < n; i++)
        {
            if (events[i].data.u64 != WakeTag) continue;
            ulong value;
            LibC.read(_wakeFd, &value, sizeof(ulong));
        }
    }

    public void Wake()
    {
        ulong one = 1;
        LibC.write(_wakeFd, &one, sizeof(ulong));
    }

    public bool Watch(int fd)
    {
        epoll_event ev = default;
        ev.events = EPOLLIN | EPOLLET;
        ev.data.u64 = 3;
        return LibC.epoll_ctl(_epoll, EPOLL_CTL_ADD, fd, &ev) == 0;
    }

    private void Add(int fd, int mask, ulong tag)
    {
        epoll_event ev = default;
        ev.events = mask;
        ev.data.u64 = tag;
        if (LibC.epoll_ctl(_epoll, EPOLL_CTL_ADD, fd, &ev) != 0)
            throw new InvalidOperationException($"epoll_ctl(ADD, {fd}) failed: errno {LibC.errno}");
    }

    public void Dispose()
    {
        LibC.close(_wakeFd);
        LibC.close(_epoll);
    }
}
