using System.Collections.Concurrent;

namespace Arrakis.IoBypass.Transport.InMemory;

/// <summary>
/// An in-process network for tests: clients <see cref="Connect"/> and the server's data-plane
/// threads poll <see cref="InMemoryConnectionSource"/>s created by <see cref="CreateSource"/>.
/// New connections are handed to the sources in turn.
/// </summary>
public sealed class InMemoryNetwork
{
    private readonly List<InMemoryConnectionSource> _sources = new();
    private long _nextId;
    private int _nextSource;

    public IConnectionSource CreateSource()
    {
        var source = new InMemoryConnectionSource();
        lock (_sources) _sources.Add(source);
        return source;
    }

    /// <summary>Opens a connection to the server and returns the client's end.</summary>
    public InMemoryClient Connect()
    {
        InMemoryConnectionSource source;
        lock (_sources)
        {
            if (_sources.Count == 0) throw new InvalidOperationException("no server is listening");
            source = _sources[_nextSource++ % _sources.Count];
        }
        var pipe = new InMemoryPipe(Interlocked.Increment(ref _nextId));
        source.Accept(pipe);
        return new InMemoryClient(pipe, source);
    }
}

/// <summary>Shared state of one in-memory connection.</summary>
internal sealed class InMemoryPipe(long id)
{
    public long Id { get; } = id;
    public readonly object Gate = new();
    public readonly Queue<byte> ToServer = new();
    public readonly Queue<byte> ToClient = new();
    public bool ClientClosed;
    public bool ServerClosed;
    public readonly SemaphoreSlim ClientSignal = new(0);
}

/// <summary>The client end of an in-memory connection.</summary>
public sealed class InMemoryClient : IDisposable
{
    private readonly InMemoryPipe _pipe;
    private readonly InMemoryConnectionSource _source;

    internal InMemoryClient(InMemoryPipe pipe, InMemoryConnectionSource source)
    {
        _pipe = pipe;
        _source = source;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        lock (_pipe.Gate)
        {
            foreach (var b in bytes) _pipe.ToServer.Enqueue(b);
        }
        _source.Signal(_pipe.Id, ConnectionEventKind.Readable);
    }

    /// <summary>Waits up to <paramref name="timeout"/> for bytes; returns what arrived (empty at close or timeout).</summary>
    public byte[] Read(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_pipe.Gate)
            {
                if (_pipe.ToClient.Count > 0)
                {
                    var bytes = _pipe.ToClient.ToArray();
                    _pipe.ToClient.Clear();
                    return bytes;
                }
                if (_pipe.ServerClosed) return Array.Empty<byte>();
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !_pipe.ClientSignal.Wait(left)) return Array.Empty<byte>();
        }
    }

    public bool ServerClosed
    {
        get { lock (_pipe.Gate) return _pipe.ServerClosed && _pipe.ToClient.Count == 0; }
    }

    public void Dispose()
    {
        lock (_pipe.Gate) _pipe.ClientClosed = true;
        _source.Signal(_pipe.Id, ConnectionEventKind.Readable);
    }
}

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
}
