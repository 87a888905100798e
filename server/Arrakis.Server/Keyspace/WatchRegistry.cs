using Arrakis.Server.Sessions;

namespace Arrakis.Server.Keyspace;

/// <summary>
/// WATCHed keys per database: a modification of a watched key (write, delete, expiry, flush, swap)
/// marks every session watching it dirty, so its EXEC aborts. Costs one volatile read per
/// modification while nobody watches anything.
/// </summary>
/// <remarks>Any thread; callers that modify a key hold its stripe lock.</remarks>
internal sealed class WatchRegistry
{
    private readonly object _gate = new();
    private readonly Dictionary<(int Db, byte[] Key), HashSet<ClientSession>> _watchers = new(DbKeyComparer.Instance);
    private volatile int _count;

    public void Watch(ClientSession session, int db, byte[] key)
    {
        lock (_gate)
        {
            if (!_watchers.TryGetValue((db, key), out var set)) _watchers[(db, key)] = set = new HashSet<ClientSession>();
            if (set.Add(session)) session.Watched.Add((db, key));
            _count = _watchers.Count;
        }
    }

    public void UnwatchAll(ClientSession session)
    {
        if (session.Watched.Count == 0)
        {
            session.WatchDirty = false;
            return;
        }
        lock (_gate)
        {
            foreach (var k in session.Watched)
            {
                if (_watchers.TryGetValue(k, out var set) && set.Remove(session) && set.Count == 0) _watchers.Remove(k);
            }
            session.Watched.Clear();
            session.WatchDirty = false;
            _count = _watchers.Count;
        }
    }

    public void Touch(int db, ReadOnlySpan<byte> key)
    {
        if (_count == 0) return;
        lock (_gate)
        {
            if (_watchers.Count == 0) return;
            if (_watchers.TryGetValue((db, key.ToArray()), out var set))
            {
                foreach (var s in set) s.WatchDirty = true;
            }
        }
    }

    /// <summary>FLUSHDB / FLUSHALL / SWAPDB: a watched key of the database counts as modified when
    /// <paramref name="existed"/> says it was there (Redis's touchAllWatchedKeysInDb: flushing a key
    /// that did not exist changes nothing for its watchers). Called with the stripes held.</summary>
    public void TouchDatabase(int db, Func<byte[], bool> existed)
    {
        if (_count == 0) return;
        lock (_gate)
        {
            foreach (var (k, set) in _watchers)
            {
                if (k.Db != db || !existed(k.Key)) continue;
                foreach (var s in set) s.WatchDirty = true;
            }
        }
    }
}
