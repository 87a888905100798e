namespace Arrakis.Server.Keyspace;

/// <summary>
/// All databases, partitioned into lock stripes by key hash. A command locks the stripes of its
/// keys (ascending order, so no deadlock) and then works on <see cref="Db"/> views; commands that
/// see the whole keyspace (FLUSHALL, SWAPDB, KEYS) lock every stripe.
/// </summary>
internal sealed class Keyspace
{
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
