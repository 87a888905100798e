using System.Buffers;
using Arrakis.Protocol;

namespace Arrakis.Server.Commands.Transactions;

/// <summary>
/// Clients blocked on keys, first blocked first served, as Redis 7.0 does it: a key that gets data
/// (a push, or any command that adds a list or sorted set to a database: RENAME, COPY, MOVE,
/// SWAPDB, Z*STORE, LMOVE ...) is marked ready on the thread that ran the command; after that whole
/// command (a transaction counts as one) the thread calls <see cref="ServeReady"/>, which serves
/// the waiters of each ready key in order, only those waiting for the key's current type, only
/// while the key still has data, and each from that key (not from an earlier key of its list).
/// </summary>
/// <remarks>Thread-safe. Replies go to each waiter's own thread through its mailbox. Who answers a
/// waiter (a serving thread, its timeout, CLIENT UNBLOCK, its disconnect) is decided by
/// <see cref="BlockedClient.TryClaim"/> / <see cref="BlockedClient.TryFinish"/>.</remarks>
internal sealed class BlockingRegistry
{
    private readonly object _gate = new();
    private readonly Dictionary<(int Db, byte[] Key), List<BlockedClient>> _queues = new(Keyspace.DbKeyComparer.Instance);
    private volatile int _count;

    [ThreadStatic] private static Queue<(int Db, byte[] Key)>? t_ready;
    [ThreadStatic] private static HashSet<(int Db, byte[] Key)>? t_readySet;

    /// <summary>True when the command that just ran on this thread made keys with waiters ready.</summary>
    public static bool HasReady => t_ready is { Count: > 0 };

    public int BlockedClients
    {
        get { lock (_gate) return _queues.Values.SelectMany(q => q).Distinct().Count(); }
    }

    /// <summary>Blocked clients that have a deadline (INFO clients_in_timeout_table).</summary>
    public int BlockedWithTimeout
    {
        get { lock (_gate) return _queues.Values.SelectMany(q => q).Distinct().Count(b => b.DeadlineMs != long.MaxValue); }
    }

    public void Block(BlockedClient b)
    {
        lock (_gate)
        {
            foreach (var key in b.Keys)
            {
                if (!_queues.TryGetValue((b.Db, key), out var q)) _queues[(b.Db, key)] = q = new List<BlockedClient>();
                if (!q.Contains(b)) q.Add(b);
            }
            _count = _queues.Count;
        }
        b.Session.Blocked = b;
    }

    /// <summary>Ends a waiter that nobody is serving (timeout, CLIENT UNBLOCK, disconnect); true when
    /// the caller now owns answering it, false when it is being served or was answered.</summary>
    public bool TryRemove(BlockedClient b)
    {
        if (!b.TryFinish()) return false;
        lock (_gate) RemoveLocked(b);
        return true;
    }

    private void RemoveLocked(BlockedClient b)
    {
        foreach (var key in b.Keys)
        {
            if (_queues.TryGetValue((b.Db, key), out var q) && q.Remove(b) && q.Count == 0) _queues.Remove((b.Db, key));
        }
        _count = _queues.Count;
    }

    /// <summary>Marks a key that now holds a list or sorted set as ready, when somebody waits on it.
    /// Called with the key's stripe held, on the thread running the command.</summary>
    public void SignalReady(int db, ReadOnlySpan<byte> key)
    {
        if (_count == 0) return;
        var copy = key.ToArray();
        lock (_gate)
        {
            if (!_queues.ContainsKey((db, copy))) return;
        }
        Enqueue(db, copy);
    }

    /// <summary>Marks every key of <paramref name="db"/> that has waiters as ready (SWAPDB).</summary>
    public void SignalDatabase(int db)
    {
        if (_count == 0) return;
        List<byte[]> keys;
        lock (_gate) keys = _queues.Keys.Where(k => k.Db == db).Select(k => k.Key).ToList();
        foreach (var k in keys) Enqueue(db, k);
    }

    private static void Enqueue(int db, byte[] key)
    {
        t_readySet ??= new HashSet<(int, byte[])>(Keyspace.DbKeyComparer.Instance);
        t_ready ??= new Queue<(int, byte[])>();
        if (t_readySet.Add((db, key))) t_ready.Enqueue((db, key));
    }

    /// <summary>Serves clients blocked on keys that became ready during the last command. Runs on the
    /// thread that ran it, after the command (or the whole transaction) released its locks.</summary>
    public void ServeReady(CommandContext c)
    {
        var ready = t_ready!;
        int guard = 0;
        while (ready.Count > 0 && guard++ < 1_000_000)
        {
            var (db, key) = ready.Dequeue();
            t_readySet!.Remove((db, key));
            BlockedClient[] waiters;
            lock (_gate)
            {
                if (!_queues.TryGetValue((db, key), out var q)) continue;
                waiters = q.ToArray();
            }
            bool exhausted = false;
            foreach (var w in waiters)
            {
                if (w.On == BlockedOn.Stream)
                {
                    // XREAD/XREADGROUP decide themselves (new entries, or the group or key gone).
                    TryServe(c, w, key);
                    continue;
                }
                if (exhausted) continue;
                var holds = HeldType(c, db, key);
                if (holds is null)
                {
                    exhausted = true; // nothing left to serve
                    continue;
                }
                if (holds != w.On) continue; // waits for another type: stays blocked, in its place
                if (!TryServe(c, w, key)) exhausted = true;
            }
        }
    }

    private static BlockedOn? HeldType(CommandContext c, int db, byte[] key)
    {
        var stripe = c.Server.Keyspace.StripeFor(key);
        using (c.Server.Keyspace.Hold(stripe))
        {
            return c.DbAt(db).Peek(key) switch
            {
                ListValue => BlockedOn.List,
                SortedSetValue => BlockedOn.SortedSet,
                _ => null,
            };
        }
    }

    /// <summary>Re-runs the waiter's command on <paramref name="key"/>; false when it found nothing
    /// (the waiter keeps its place). A waiter claimed elsewhere is skipped (true: go on).</summary>
    private bool TryServe(CommandContext c, BlockedClient waiter, byte[] key)
    {
        if (!waiter.TryClaim()) return true;
        if (waiter.Session.Closed)
        {
            waiter.Release(served: true);
            lock (_gate) RemoveLocked(waiter);
            return true;
        }
        var capture = new ArrayBufferWriter<byte>();
        var ctx = new CommandContext(waiter.Session, c.Server, c.Thread) { ServingBlocked = true, ServingKey = key };
        ctx.UseExternal(waiter.Args, new RespWriter(capture, waiter.Session.Protocol), capture);
        CommandDispatcher.Run(ctx, waiter.Command);
        bool served = capture.WrittenCount > 0;
        if (served)
        {
            lock (_gate) RemoveLocked(waiter);
            waiter.Release(served: true);
            waiter.Session.Owner.Deliver(waiter.Session, capture.WrittenSpan.ToArray(), waiter, ctx.DependsOnLsn);
            return true;
        }
        waiter.Release(served: false);
        if (waiter.Session.Closed && waiter.TryFinish())
        {
            lock (_gate) RemoveLocked(waiter);
        }
        return false;
    }

    public static byte[] TimeoutReply(BlockedClient b) =>
        b.Session.Protocol == RespVersion.Resp3 ? "_\r\n"u8.ToArray() : b.NullArrayOnTimeout ? "*-1\r\n"u8.ToArray() : "$-1\r\n"u8.ToArray();
}
