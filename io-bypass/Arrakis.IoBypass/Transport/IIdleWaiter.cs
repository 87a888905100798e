namespace Arrakis.IoBypass.Transport;

/// <summary>
/// How a network source without a wait of its own (the user-space stack over a NIC queue) sleeps when it
/// has nothing to do: on the NIC queue's fd, the fds added with WatchSignal and cross-thread wakeups at
/// once (IoBypass.Linux: an epoll set, watched eventfds edge-triggered), or on an in-process event
/// (tests over a simulated VF). The owning thread calls <see cref="Wait"/>; any
/// thread calls <see cref="Wake"/>.
/// </summary>
public interface IIdleWaiter : IDisposable
{
    /// <summary>Sleeps until woken, something watched is ready, or <paramref name="timeoutMs"/> passed (0: return at once).</summary>
    void Wait(int timeoutMs);

    /// <summary>Ends the current or the next <see cref="Wait"/>. Any thread.</summary>
    void Wake();

    /// <summary>Adds an fd to wait on (edge-triggered use: a signal means "poll again"); false when this waiter cannot.</summary>
    bool Watch(int fd);
}
