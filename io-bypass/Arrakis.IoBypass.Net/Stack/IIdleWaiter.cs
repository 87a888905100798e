namespace Arrakis.IoBypass.Net.Stack;

/// <summary>
/// How a <see cref="NicConnectionSource"/> sleeps when it has nothing to do: on the NIC queue's fd, the
/// fds added with WatchSignal and cross-thread wakeups at once (IoBypass.Linux: poll() over them), or on
/// an in-process event (tests over a simulated VF). The owning thread calls <see cref="Wait"/>; any
/// thread calls <see cref="Wake"/>.
/// </summary>
internal interface IIdleWaiter : IDisposable
{
    /// <summary>Sleeps until woken, something watched is ready, or <paramref name="timeoutMs"/> passed (0: return at once).</summary>
    void Wait(int timeoutMs);

    /// <summary>Ends the current or the next <see cref="Wait"/>. Any thread.</summary>
    void Wake();

    /// <summary>Adds an fd to wait on (edge-triggered use: a signal means "poll again"); false when this waiter cannot.</summary>
    bool Watch(int fd);
}
