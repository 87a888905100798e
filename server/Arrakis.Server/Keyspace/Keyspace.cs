namespace Arrakis.Server.Keyspace;

/// <summary>
/// All databases, partitioned into lock stripes by key hash. A command locks the stripes of its
/// keys (ascending order, so no deadlock) and then works on <see cref="Db"/> views; commands that
/// see the whole keyspace (FLUSHALL, SWAPDB, KEYS) lock every stripe.
/// </summary>
internal sealed class Keyspace
{
    /// <summary>Stripes: lock scopes, and the unit a snapshot captures (a command that first touches a stripe after a
    /// snapshot began waits for its copy).</summary>
    /// <remarks>
    /// Measured 2026-11-29 (native build, this repository's 2-vCPU machines), for the next one who changes it: finer
    /// stripes shorten the longest write during a BGSAVE of 1M keys (256: median 20 ms of 13 saves; 512: 14 ms of 7;
    /// 1024: 9 ms of 9; 4096: 6 ms of 3; a fork costs Redis 9-15 ms), because a batch of commands then copies many
    /// small stripes instead of a few big ones while the snapshot's thread copies the rest. They cost two things. The
    /// locks EXEC and every script take (4096 locks: EVAL 9k/s against 44-59k/s; locks shared by groups of neighbouring
    /// stripes keep that at 256). And resident memory, ~4.5 KB per table (used_memory did not grow, RSS did: most
    /// likely a big table's unused slot and page capacity is never touched, so not resident, and a small one's is):
    /// 100k hashes of 10 fields took 294-297 bytes a key with 512 stripes, 314-324 with 1024, 443-463 with 4096,
    /// against 278 with 256 and Redis's 319 (loadgen/memory/bench.sh), and the resident-memory test (310.8 here at 256)
    /// failed at 512 (328). Copying a table's slot chunks on first touch, rather than whole stripes, would bound the
    /// wait without more tables.
    /// </remarks>
    public const int StripeCount = 256;

    private readonly Stripe[] _stripes;

    public Keyspace(int databases)
    {
        Databases = databases;
        AverageTtl = new long[databases];
        _stripes = new Stripe[StripeCount];
        for (int i = 0; i < StripeCount; i++) _stripes[i] = new Stripe(i, databases);
    }

    public int Databases { get; }

    /// <summary>WATCHed keys; every modification of a key goes through <see cref="WatchRegistry.Touch"/>.</summary>
    public WatchRegistry Watches { get; } = new();

    /// <summary>Keyspace notifications (set once at startup, before any thread runs).</summary>
    public Commands.PubSub.KeyspaceEvents Events { get; set; } = null!;

    /// <summary>Per database: Redis's estimate of the mean remaining TTL in ms of keys with one
    /// (INFO keyspace avg_ttl), updated by the active expiry cycle from the keys it samples.</summary>
    public long[] AverageTtl { get; }

    /// <summary>True when <paramref name="key"/> has a slot in <paramref name="db"/>, expired or not (as
    /// Redis's dictFind sees it). The caller holds the key's stripe.</summary>
    public bool HasSlot(int db, byte[] key)
    {
        int hash = KeyTable.Hash(key);
        return this[StripeOf(hash)].Tables[db]?.Find(key, hash) >= 0;
    }

    /// <summary>Blocked clients, told when a key gets a list or sorted set (Redis signals in dbAdd).</summary>
    public BlockingRegistry? Blocking { get; set; }

    public Stripe this[int index] => _stripes[index];

    public static int StripeOf(int hash) => hash & (StripeCount - 1);

    public Stripe StripeFor(ReadOnlySpan<byte> key) => _stripes[StripeOf(KeyTable.Hash(key))];

    /// <summary>Takes every stripe (a lock scope: effects are logged before <see cref="UnlockAll"/> lets go).</summary>
    public void LockAll()
    {
        int taken = 0;
        try
        {
            foreach (var s in _stripes)
            {
                Enter(s);
                taken++;
            }
        }
        catch
        {
            for (int i = taken - 1; i >= 0; i--) _stripes[i].Gate.Exit();
            throw;
        }
        try
        {
            if (Snapshot is { } snapshot)
            {
                foreach (var s in _stripes) snapshot.EnsureCaptured(s);
            }
        }
        catch
        {
            for (int i = _stripes.Length - 1; i >= 0; i--) _stripes[i].Gate.Exit();
            throw;
        }
        Durability.EffectRecorder.Current?.EnterScope();
    }

    /// <summary>Scripts running past busy-reply-threshold (they hold every stripe): other threads answer BUSY instead of waiting.</summary>
    public int BusyScripts;

    /// <summary>Takes a stripe's lock. While a busy script holds it, gives up with <see cref="ScriptBusyException"/>
    /// so that the thread answers BUSY and goes on serving, as Redis does during a long script.</summary>
    public void Enter(Stripe stripe)
    {
        if (stripe.Gate.TryEnter()) return;
        while (!stripe.Gate.TryEnter(10))
        {
            if (Volatile.Read(ref BusyScripts) > 0) throw new ScriptBusyException();
        }
    }

    private Durability.Snapshot? _snapshot;

    /// <summary>A snapshot in progress: whoever takes a stripe lets it serialize that stripe first (copy on first lock).</summary>
    public Durability.Snapshot? Snapshot
    {
        get => Volatile.Read(ref _snapshot);
        set => Volatile.Write(ref _snapshot, value);
    }

    public void UnlockAll()
    {
        try
        {
            Durability.EffectRecorder.Current?.ExitScopeAll(this);
        }
        finally
        {
            for (int i = _stripes.Length - 1; i >= 0; i--) _stripes[i].Gate.Exit();
        }
    }

    /// <summary>Takes one stripe as a lock scope (dispose to log its effects and let go).</summary>
    public StripeScope Hold(Stripe stripe) => new(this, stripe);

    /// <summary>True while the log is replayed at startup: keys do not expire then (Redis's loading mode).</summary>
    public bool Loading { get; set; }

    /// <summary>Keys in database <paramref name="db"/> (expired ones not yet removed included, as Redis's DBSIZE).</summary>
    public long Count(int db)
    {
        long n = 0;
        foreach (var s in _stripes)
        {
            lock (s.Gate) n += s.Tables[db]?.Count ?? 0;
        }
        return n;
    }

    public long VolatileCount(int db)
    {
        long n = 0;
        foreach (var s in _stripes)
        {
            lock (s.Gate) n += s.Tables[db]?.VolatileCount ?? 0;
        }
        return n;
    }
}
