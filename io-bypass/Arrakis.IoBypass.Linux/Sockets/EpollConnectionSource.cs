using System.Runtime.InteropServices;
using Arrakis.IoBypass.Linux.Interop;
using Arrakis.IoBypass.Transport;
using Tmds.Linux;
using static Arrakis.IoBypass.Linux.Interop.LinuxConstants;

namespace Arrakis.IoBypass.Linux.Sockets;

/// <summary>
/// Kernel TCP sockets polled with epoll (level-triggered): one instance per data-plane thread, all
/// sharing the <see cref="KernelListener"/>'s sockets (EPOLLEXCLUSIVE wakes one thread per
/// connection). Connection numbers are file descriptors. An eventfd carries cross-thread wakeups;
/// eventfds added with <see cref="WatchSignal"/> (e.g. the log's completion fd) are edge-triggered.
/// </summary>
public sealed unsafe class EpollConnectionSource : IConnectionSource
{
    private const ulong ListenerTag = 1UL << 63;
    private const ulong WakeTag = 1UL << 62;
    private const ulong SignalTag = 1UL << 61;
    private const int MaxEvents = 256;

    private readonly int _epoll;
    private readonly int _signalEpoll; // the wake eventfd and the watched signals only (WaitSignal)
    private readonly int _eventFd;
    private readonly epoll_event* _events;
    private readonly Dictionary<int, int> _interest = new(); // fd -> current epoll mask
    private readonly Queue<int> _accepted = new();
    private int _refused;

    /// <summary>A descriptor kept open so that, when the process runs out of them (EMFILE), one can be
    /// freed to accept the waiting connection and refuse it; otherwise the level-triggered listener
    /// would report it again at once, forever (a busy loop).</summary>
    private int _reserveFd = -1;

    public EpollConnectionSource(KernelListener listener)
    {
        _epoll = LibC.epoll_create1(EPOLL_CLOEXEC);
        if (_epoll < 0) throw new InvalidOperationException($"epoll_create1 failed: errno {LibC.errno}");
        _eventFd = LibC.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (_eventFd < 0) throw new InvalidOperationException($"eventfd failed: errno {LibC.errno}");
        _events = (epoll_event*)NativeMemory.AllocZeroed((nuint)(MaxEvents * sizeof(epoll_event)));
        Add(_eventFd, EPOLLIN, WakeTag);
        _signalEpoll = LibC.epoll_create1(EPOLL_CLOEXEC);
        if (_signalEpoll < 0) throw new InvalidOperationException($"epoll_create1 failed: errno {LibC.errno}");
        epoll_event wake = default;
        wake.events = EPOLLIN; // level-triggered: a Wake() that Poll has not read yet ends WaitSignal at once
        wake.data.u64 = WakeTag;
        if (LibC.epoll_ctl(_signalEpoll, EPOLL_CTL_ADD, _eventFd, &wake) != 0)
            throw new InvalidOperationException($"epoll_ctl(ADD, {_eventFd}) failed: errno {LibC.errno}");
        foreach (int fd in listener.Descriptors) Add(fd, EPOLLIN | EPOLLEXCLUSIVE, ListenerTag | (uint)fd);
        _reserveFd = OpenReserve();
    }

    private static int OpenReserve()
    {
        fixed (byte* path = "/dev/null\0"u8) return LibC.open(path, O_RDONLY | O_CLOEXEC);
    }

    public string Name => "epoll";

    private void Add(int fd, int mask, ulong data)
    {
        epoll_event ev = default;
        ev.events = mask;
        ev.data.u64 = data;
        if (LibC.epoll_ctl(_epoll, EPOLL_CTL_ADD, fd, &ev) != 0)
            throw new InvalidOperationException($"epoll_ctl(ADD, {fd}) failed: errno {LibC.errno}");
    }

    public int Poll(Span<ConnectionEvent> events, int timeoutMs)
    {
        int produced = 0;
        while (produced < events.Length && _accepted.Count > 0)
            events[produced++] = new ConnectionEvent(ConnectionEventKind.Accepted, _accepted.Dequeue());
        while (produced < events.Length && _refused > 0)
        {
            _refused--;
            events[produced++] = new ConnectionEvent(ConnectionEventKind.Refused, 0);
        }
        if (produced > 0) timeoutMs = 0;
        int n = LibC.epoll_wait(_epoll, _events, Math.Min(MaxEvents, events.Length - produced), timeoutMs);
        for (int i = 0; i < n; i++)
        {
            ulong data = _events[i].data.u64;
            int mask = _events[i].events;
            if ((data & ListenerTag) != 0)
            {
                AcceptAll((int)(data & 0xFFFFFFFF));
                while (produced < events.Length && _accepted.Count > 0)
                    events[produced++] = new ConnectionEvent(ConnectionEventKind.Accepted, _accepted.Dequeue());
            }
            else if ((data & SignalTag) != 0)
            {
                // A watched eventfd (e.g. the log's completion fd), edge-triggered: not read here.
                events[produced++] = new ConnectionEvent(ConnectionEventKind.Wakeup, 0);
            }
            else if ((data & WakeTag) != 0)
            {
                ulong value;
                LibC.read(_eventFd, &value, sizeof(ulong));
                events[produced++] = new ConnectionEvent(ConnectionEventKind.Wakeup, 0);
            }
            else
            {
                long fd = (long)data;
                if ((mask & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) != 0 && produced < events.Length)
                    events[produced++] = new ConnectionEvent(ConnectionEventKind.Readable, fd);
                if ((mask & EPOLLOUT) != 0 && produced < events.Length)
                    events[produced++] = new ConnectionEvent(ConnectionEventKind.Writable, fd);
            }
            if (produced >= events.Length) break;
        }
        return produced;
    }

    private void AcceptAll(int listenFd)
    {
        for (int k = 0; k < 64; k++)
        {
            int fd = LibC.accept4(listenFd, null, null, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0)
            {
                int errno = LibC.errno;
                if (errno is EMFILE or ENFILE) RefuseOne(listenFd);
                if (errno is ECONNABORTED or EINTR) continue;
                return; // EAGAIN: another thread took it, or none left
            }
            int one = 1;
            LibC.setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(int));
            LibC.setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(int));
            // Redis's tcp-keepalive 300 (anetKeepAlive): probe after 300 s idle, every 100 s, 3 times.
            int idle = 300, interval = 100, count = 3;
            LibC.setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(int));
            LibC.setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof(int));
            LibC.setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(int));
            Add(fd, EPOLLIN, (ulong)fd);
            _interest[fd] = EPOLLIN;
            _accepted.Enqueue(fd);
        }
    }

    /// <summary>Out of descriptors: frees the reserve, accepts the waiting connection, answers it with
    /// Redis's max-clients error, closes it and takes the reserve back.</summary>
    private void RefuseOne(int listenFd)
    {
        if (_reserveFd < 0) return;
        LibC.close(_reserveFd);
        _reserveFd = -1;
        int fd = LibC.accept4(listenFd, null, null, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0)
        {
            ReadOnlySpan<byte> error = "-ERR max number of clients reached\r\n"u8;
            fixed (byte* p = error) LibC.send(fd, p, error.Length, MSG_NOSIGNAL);
            LibC.close(fd);
            _refused++;
        }
        _reserveFd = OpenReserve();
    }

    public int Receive(long connection, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            long n = LibC.recv((int)connection, p, buffer.Length, 0);
            return n >= 0 ? (int)n : -LibC.errno;
        }
    }

    public int Send(long connection, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            long n = LibC.send((int)connection, p, data.Length, MSG_NOSIGNAL);
            return n >= 0 ? (int)n : -LibC.errno;
        }
    }

    public void SetInterest(long connection, bool readable, bool writable)
    {
        int fd = (int)connection;
        int mask = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);
        if (_interest.TryGetValue(fd, out int current) && current == mask) return;
        _interest[fd] = mask;
        epoll_event ev = default;
        ev.events = mask;
        ev.data.u64 = (ulong)fd;
        LibC.epoll_ctl(_epoll, EPOLL_CTL_MOD, fd, &ev);
    }

    public void Close(long connection)
    {
        int fd = (int)connection;
        _interest.Remove(fd);
        LibC.epoll_ctl(_epoll, EPOLL_CTL_DEL, fd, null);
        LibC.close(fd);
    }

    public (string Remote, string Local) DescribeEndpoints(long connection) =>
        (SockAddr.Peer((int)connection), SockAddr.Local((int)connection));

    public void Wake()
    {
        ulong one = 1;
        LibC.write(_eventFd, &one, sizeof(ulong));
    }

    /// <summary>
    /// Adds <paramref name="eventFd"/> edge-triggered (EPOLLIN|EPOLLET) to the epoll set; its readiness
    /// comes back from <see cref="Poll"/> as a <see cref="ConnectionEventKind.Wakeup"/>. The eventfd is
    /// not read here. Returns false when epoll refuses the descriptor.
    /// </summary>
    public bool WatchSignal(int eventFd)
    {
        epoll_event ev = default;
        ev.events = EPOLLIN | EPOLLET;
        ev.data.u64 = SignalTag | (uint)eventFd;
        if (LibC.epoll_ctl(_epoll, EPOLL_CTL_ADD, eventFd, &ev) != 0) return false;
        // The same fd in the signal-only set: each epoll instance keeps its own edge, so a signal wakes both.
        return LibC.epoll_ctl(_signalEpoll, EPOLL_CTL_ADD, eventFd, &ev) == 0;
    }

    /// <summary>epoll_wait on the set holding only the wake eventfd and the watched signals: connection
    /// readiness stays in the main set for the next <see cref="Poll"/>.</summary>
    public bool WaitSignal(int timeoutMs)
    {
        epoll_event ev;
        LibC.epoll_wait(_signalEpoll, &ev, 1, timeoutMs);
        return true;
    }

    public void Dispose()
    {
        foreach (int fd in _interest.Keys.ToList()) Close(fd);
        LibC.close(_eventFd);
        LibC.close(_signalEpoll);
        LibC.close(_epoll);
        if (_reserveFd >= 0) LibC.close(_reserveFd);
        NativeMemory.Free(_events);
    }

    /// <summary>Sends went out at once: nothing is held for the end of the batch.</summary>
    public void Flush()
    {
    }

    /// <summary>No timers of its own.</summary>
    public long NextTimerMs => long.MaxValue;
}
