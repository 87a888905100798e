namespace Arrakis.IoBypass.Transport;

/// <summary>
/// A network source that one data-plane thread polls: kernel sockets (epoll), the user-space TCP
/// stack over an AF_XDP queue, or an in-memory network in tests. Connections are identified by a
/// number that is unique among the open connections of this source.
/// </summary>
/// <remarks>
/// Threading: every member except <see cref="Wake"/> is called only by the owning data-plane thread.
/// Results at the I/O edge are byte counts or negative errno values (<see cref="Errno"/>), never
/// exceptions.
/// <para>The loop's contract with a source, once per iteration: <see cref="Poll"/> (non-blocking while
/// there is work; blocking, up to the earliest of the loop's timers and <see cref="NextTimerMs"/>, when
/// idle), handle the events (Receive/Send/SetInterest/Close), then <see cref="Flush"/>. A source may hold
/// sends until <see cref="Flush"/> (a NIC queue transmits a batch with one kick). The blocking wait
/// covers everything the thread waits for at once: the source's own readiness (sockets, an AF_XDP
/// socket's fd), the fds added with <see cref="WatchSignal"/> (the log's completion eventfd) and
/// <see cref="Wake"/> from other threads.</para>
/// </remarks>
public interface IConnectionSource : IDisposable
{
    /// <summary>Short name for the startup report and INFO ("epoll", "af_xdp", "in-memory").</summary>
    string Name { get; }

    /// <summary>
    /// Fills <paramref name="events"/> with ready events; waits up to <paramref name="timeoutMs"/>
    /// (0: do not block, -1: forever) when none is ready. Returns the number of events.
    /// </summary>
    int Poll(Span<ConnectionEvent> events, int timeoutMs);

    /// <summary>Receives into <paramref name="buffer"/>: bytes read, 0 at end of stream, or -errno (-EAGAIN: nothing now).</summary>
    int Receive(long connection, Span<byte> buffer);

    /// <summary>Sends from <paramref name="data"/>: bytes taken (maybe fewer), or -errno (-EAGAIN: the send buffer is full).</summary>
    int Send(long connection, ReadOnlySpan<byte> data);

    /// <summary>Chooses which readiness events the connection reports.</summary>
    void SetInterest(long connection, bool readable, bool writable);

    /// <summary>Closes the connection; its number may be reused afterwards.</summary>
    void Close(long connection);

    /// <summary>Peer and local addresses as "ip:port" for CLIENT LIST.</summary>
    (string Remote, string Local) DescribeEndpoints(long connection);

    /// <summary>Makes a blocked <see cref="Poll"/> return a <see cref="ConnectionEventKind.Wakeup"/>. Any thread.</summary>
    void Wake();

    /// <summary>
    /// Adds an eventfd to this source's idle wait: when it is signalled, <see cref="Poll"/> returns a
    /// <see cref="ConnectionEventKind.Wakeup"/> event (the source does not read the eventfd; its owner
    /// may leave the counter non-zero). Edge-triggered: every signal wakes the wait once. Returns false when this source cannot wait on file descriptors
    /// (the caller then must not sleep while it waits for that signal). Owning thread; startup path.
    /// </summary>
    bool WatchSignal(int eventFd);

    /// <summary>
    /// Sleeps up to <paramref name="timeoutMs"/> until an fd added with <see cref="WatchSignal"/> is signalled
    /// or <see cref="Wake"/> is called, without waking for connection events (which <see cref="Poll"/>
    /// reports afterwards). The loop's wait for a log write in flight: requests that arrive meanwhile are
    /// read together when it completes, one wakeup per write instead of one per request. May return early
    /// (a signal seen before). Returns false, at once, when the source cannot wait this way: the caller
    /// sleeps in <see cref="Poll"/> instead. Owning thread.
    /// </summary>
    bool WaitSignal(int timeoutMs) => false;

    /// <summary>
    /// End of the loop's batch: what the handlers sent goes out now (one transmit kick for the batch),
    /// and work the source owes itself (a TCP stack's ACKs, retransmissions) is done. Never blocks.
    /// Kernel sockets send at once: nothing to do there.
    /// </summary>
    void Flush();

    /// <summary>
    /// When the source next needs the loop to come back even if nothing arrives (a TCP retransmission or
    /// delayed-ACK timer), in <c>Environment.TickCount64</c> milliseconds; <see cref="long.MaxValue"/> when
    /// it has no timer. The loop's idle wait ends by then, and the next <see cref="Poll"/> runs the timer.
    /// </summary>
    long NextTimerMs { get; }

    /// <summary>
    /// The source's own counters for INFO (shown as <c>arrakis_net_*</c>, summed by name over the threads): a
    /// user-space stack's resets, SYN cookies, dropped frames and NIC queue figures. None for kernel sockets (the
    /// kernel keeps its own). Read from any thread: a statistics snapshot, not synchronized with the owner.
    /// </summary>
    IReadOnlyList<(string Name, long Value)> Counters => [];
}
