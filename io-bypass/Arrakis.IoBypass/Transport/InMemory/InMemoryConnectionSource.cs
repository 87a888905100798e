using System.Collections.Concurrent;

namespace Arrakis.IoBypass.Transport.InMemory;

/// <summary>The server side of the in-memory network, polled by one data-plane thread.</summary>
internal sealed class InMemoryConnectionSource : IConnectionSource
{
    private readonly ConcurrentQueue<ConnectionEvent> _events = new();
    private readonly ConcurrentDictionary<long, InMemoryPipe> _pipes = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly ConcurrentDictionary<long, bool> _wantWrite = new();

    public string Name => "in-memory";

    internal void Accept(InMemoryPipe pipe)
    {
        _pipes[pipe.Id] = pipe;
        _events.Enqueue(new ConnectionEvent(ConnectionEventKind.Accepted, pipe.Id));
        _signal.Release();
    }

    internal void Signal(long id, ConnectionEventKind kind)
    {
        _events.Enqueue(new ConnectionEvent(kind, id));
        _signal.Release();
    }

    /// <summary>An in-memory source waits on a semaphore, not on file descriptors: always false.</summary>
    public bool WatchSignal(int eventFd) => false;

    public int Poll(Span<ConnectionEvent> events, int timeoutMs)
    {
        if (_events.IsEmpty && timeoutMs != 0) _signal.Wait(timeoutMs);
        int n = 0;
        while (n < events.Length && _events.TryDequeue(out var e))
        {
            if (e.Kind != ConnectionEventKind.Wakeup && !_pipes.ContainsKey(e.Connection)) continue;
            events[n++] = e;
        }
        return n;
    }

    public int Receive(long connection, Span<byte> buffer)
    {
        if (!_pipes.TryGetValue(connection, out var pipe)) return -Errno.ECONNRESET;
        lock (pipe.Gate)
        {
            if (pipe.ToServer.Count == 0) return pipe.ClientClosed ? 0 : -Errno.EAGAIN;
            int n = 0;
            while (n < buffer.Length && pipe.ToServer.Count > 0) buffer[n++] = pipe.ToServer.Dequeue();
            return n;
        }
    }

    public int Send(long connection, ReadOnlySpan<byte> data)
    {
        if (!_pipes.TryGetValue(connection, out var pipe)) return -Errno.EPIPE;
        lock (pipe.Gate)
        {
            if (pipe.ClientClosed) return -Errno.EPIPE;
            foreach (var b in data) pipe.ToClient.Enqueue(b);
        }
        pipe.ClientSignal.Release();
        return data.Length;
    }

    public void SetInterest(long connection, bool readable, bool writable)
    {
        _wantWrite[connection] = writable;
        if (readable) Signal(connection, ConnectionEventKind.Readable);
    }

    public void Close(long connection)
    {
        if (_pipes.TryRemove(connection, out var pipe))
        {
            lock (pipe.Gate) pipe.ServerClosed = true;
            pipe.ClientSignal.Release();
        }
    }

    public (string Remote, string Local) DescribeEndpoints(long connection) => ($"memory:{connection}", "memory:0");

    public void Wake()
    {
        _events.Enqueue(new ConnectionEvent(ConnectionEventKind.Wakeup, 0));
        _signal.Release();
    }

    public void Dispose() => _signal.Dispose();

    /// <summary>Sends went out at once: nothing is held for the end of the batch.</summary>
    public void Flush()
    {
    }

    /// <summary>No timers of its own.</summary>
    public long NextTimerMs => long.MaxValue;
}
