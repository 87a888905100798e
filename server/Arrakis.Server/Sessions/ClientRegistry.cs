using System.Collections.Concurrent;

namespace Arrakis.Server.Sessions;

/// <summary>All connected clients, for CLIENT LIST / KILL, INFO clients and maxclients. Any thread.</summary>
internal sealed class ClientRegistry
{
    private readonly ConcurrentDictionary<long, ClientSession> _clients = new();
    private long _nextId;

    public int Count => _clients.Count;

    public long NextId() => Interlocked.Increment(ref _nextId);

    public void Add(ClientSession s) => _clients[s.Id] = s;

    public void Remove(ClientSession s) => _clients.TryRemove(s.Id, out _);

    public bool TryGet(long id, out ClientSession session) => _clients.TryGetValue(id, out session!);

    /// <summary>A snapshot ordered by id.</summary>
    public List<ClientSession> Snapshot()
    {
        var list = _clients.Values.ToList();
        list.Sort((a, b) => a.Id.CompareTo(b.Id));
        return list;
    }
}
