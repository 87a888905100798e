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
