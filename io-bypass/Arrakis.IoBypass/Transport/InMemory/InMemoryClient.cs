namespace Arrakis.IoBypass.Transport.InMemory;

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
