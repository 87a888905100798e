using System.Buffers;
using Arrakis.Protocol;
using Arrakis.Server.Commands;

namespace Arrakis.Server.Commands.Transactions;

/// <summary>
/// Clients blocked on keys, first blocked first served. A push marks the key ready on the pushing
/// thread; right after that command (before the pusher's next one) <see cref="ServeReady"/> runs
/// the waiters' commands in order on that thread and delivers their replies to their own threads.
/// Removal from the registry is the single decision point between being served, timing out,
/// CLIENT UNBLOCK and disconnecting.
/// </summary>
internal sealed class BlockingRegistry
{
    private readonly object _gate = new();
    private readonly Dictionary<(int Db, byte[] Key), LinkedList<BlockedClient>> _queues = new(Keyspace.DbKeyComparer.Instance);
    private volatile int _count;

    public int BlockedClients
    {
        get { lock (_gate) return _queues.Values.SelectMany(q => q).Distinct().Count(); }
    }

    public void Block(BlockedClient b, bool front = false)
    {
        lock (_gate)
        {
            foreach (var key in b.Keys)
            {
                if (!_queues.TryGetValue((b.Db, key), out var q)) _queues[(b.Db, key)] = q = new LinkedList<BlockedClient>();
                if (!q.Contains(b))
                {
                    if (front) q.AddFirst(b);
                    else q.AddLast(b);
                }
            }
            _count = _queues.Count;
        }
        b.Session.Blocked = b;
    }

    /// <summary>Removes a waiter; true when it was still waiting (the caller now owns answering it).</summary>
    public bool TryRemove(BlockedClient b)
    {
        lock (_gate) return RemoveLocked(b);
    }

    private bool RemoveLocked(BlockedClient b)
    {
        bool found = false;
        foreach (var key in b.Keys)
        {
            if (_queues.TryGetValue((b.Db, key), out var q) && q.Remove(b))
            {
                found = true;
                if (q.Count == 0) _queues.Remove((b.Db, key));
            }
        }
        _count = _queues.Count;
        return found;
    }

    /// <summary>Called by a handler that added elements to a key (holding its stripe lock).</summary>
    public void SignalReady(CommandContext c, int db, ReadOnlySpan<byte> key)
    {
        if (_count == 0) return;
        lock (_gate)
        {
            if (!_queues.ContainsKey((db, key.ToArray()))) return;
        }
        c.Thread.ReadyKeys.Enqueue((db, key.ToArray()));
    }

    /// <summary>Serves clients blocked on keys that became ready during the last command. Runs on the
    /// pushing thread, after the pushing command released its locks.</summary>
    public void ServeReady(CommandContext c)
    {
        var ready = c.Thread.ReadyKeys;
        int guard = 0;
        while (ready.Count > 0 && guard++ < 100_000)
        {
            var (db, key) = ready.Dequeue();
            while (true)
            {
                BlockedClient? waiter;
                lock (_gate)
                {
                    if (!_queues.TryGetValue((db, key), out var q) || q.First is null) break;
                    waiter = q.First.Value;
                    RemoveLocked(waiter);
                }
                if (!Serve(c, waiter)) break;
            }
        }
    }

    /// <summary>Runs the waiter's command; false when it found nothing (it is queued again in front).</summary>
    private bool Serve(CommandContext c, BlockedClient waiter)
    {
        var capture = new ArrayBufferWriter<byte>();
        var writer = new RespWriter(capture, waiter.Session.Protocol);
        var ctx = new CommandContext(waiter.Session, c.Server, c.Thread) { ServingBlocked = true };
        ctx.UseExternal(waiter.Args, writer);
        CommandDispatcher.Run(ctx, waiter.Command);
        if (capture.WrittenCount > 0)
        {
            waiter.Session.Owner.Deliver(waiter.Session, capture.WrittenSpan.ToArray(), waiter);
            return true;
        }
        if (Runtime.ServerClock.MonotonicMs >= waiter.DeadlineMs)
        {
            waiter.Session.Owner.Deliver(waiter.Session, TimeoutReply(waiter), waiter);
            return true;
        }
        Block(waiter, front: true);
        return false;
    }

    public static byte[] TimeoutReply(BlockedClient b) =>
        b.Session.Protocol == RespVersion.Resp3 ? "_\r\n"u8.ToArray() : b.NullArrayOnTimeout ? "*-1\r\n"u8.ToArray() : "$-1\r\n"u8.ToArray();
}
