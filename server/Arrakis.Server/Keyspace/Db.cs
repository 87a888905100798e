using Arrakis.Server.Runtime;

namespace Arrakis.Server.Keyspace;

/// <summary>
/// A view of one database for one command: lookups apply lazy expiry and update the access time.
/// The caller holds the stripe lock of every key it passes.
/// </summary>
internal readonly struct Db(Keyspace keyspace, int index, long nowMs, ThreadStats stats)
{
    public int Index { get; } = index;

    public long NowMs { get; } = nowMs;

    public Keyspace Keyspace { get; } = keyspace;

    /// <summary>Finds a live key. Returns false (and removes it) when it has expired.</summary>
    public bool TryFind(ReadOnlySpan<byte> key, out KeyTable table, out int slot, bool touch = true)
    {
        int hash = KeyTable.Hash(key);
        var stripe = Keyspace[Keyspace.StripeOf(hash)];
        table = stripe.Tables[Index]!;
        slot = -1;
        if (table is null) return false;
        slot = table.Find(key, hash);
        if (slot < 0) return false;
        ref var e = ref table.Slot(slot);
        if (e.ExpireAt != 0 && e.ExpireAt <= NowMs && !Keyspace.Loading)
        {
            if (e.Value is Commands.Streams.StreamValue) Keyspace.Blocking?.SignalReady(Index, key); // a blocked XREADGROUP learns the key is gone
            table.RemoveAt(slot);
            stats.ExpiredKeys++;
            Durability.EffectRecorder.Expired(Index, key.ToArray());
            Keyspace.Watches.Touch(Index, key);
            Keyspace.Events.Notify(Commands.PubSub.KeyspaceEvents.Kind.Expired, "expired", Index, key);
            slot = -1;
            return false;
        }
        if (touch) e.LastAccess = ServerClock.Seconds;
        return true;
    }

    /// <summary>The value of a live key, or null; counts a keyspace hit or miss.</summary>
    public object? Get(ReadOnlySpan<byte> key)
    {
        if (TryFind(key, out var table, out int slot))
        {
            stats.KeyspaceHits++;
            return Readable(ref table.Slot(slot));
        }
        stats.KeyspaceMisses++;
        Keyspace.Events.Notify(Commands.PubSub.KeyspaceEvents.Kind.KeyMiss, "keymiss", Index, key);
        return null;
    }

    /// <summary>The value of a live key without counting hits (for writes).</summary>
    public object? Peek(ReadOnlySpan<byte> key) => TryFind(key, out var table, out int slot) ? Readable(ref table.Slot(slot)) : null;

    /// <summary>A slot's value as readers expect it: a string being grown by APPEND/SETRANGE/SETBIT
    /// becomes its exact-length array again (once; the value itself does not change).</summary>
    private static object? Readable(ref KeyEntry e)
    {
        if (e.Value is Commands.Strings.GrowableString g) e.Value = g.ToExact();
        return e.Value;
    }

    public bool Exists(ReadOnlySpan<byte> key) => TryFind(key, out _, out _);

    /// <summary>Sets a key's value. <paramref name="keepTtl"/> keeps an existing expiry, else it is cleared
    /// (or set to <paramref name="expireAt"/> when not 0).</summary>
    public void Set(ReadOnlySpan<byte> key, object value, long expireAt = 0, bool keepTtl = false, byte flags = 0)
    {
        int hash = KeyTable.Hash(key);
        var table = Keyspace[Keyspace.StripeOf(hash)].Table(Index);
        int slot = table.Find(key, hash);
        if (slot >= 0 && table.Slot(slot).ExpireAt is var old && old != 0 && old <= NowMs && !Keyspace.Loading)
        {
            if (table.Slot(slot).Value is Commands.Streams.StreamValue) Keyspace.Blocking?.SignalReady(Index, key);
            table.RemoveAt(slot);
            stats.ExpiredKeys++;
            Durability.EffectRecorder.Expired(Index, key.ToArray());
            Keyspace.Events.Notify(Commands.PubSub.KeyspaceEvents.Kind.Expired, "expired", Index, key);
            slot = -1;
        }
        if (slot < 0)
        {
            slot = table.Add(key.ToArray(), hash, value);
            Keyspace.Events.Notify(Commands.PubSub.KeyspaceEvents.Kind.New, "new", Index, key);
        }
        Keyspace.Watches.Touch(Index, key);
        ref var e = ref table.Slot(slot);
        if (e.Value is Commands.Streams.StreamValue && value is not Commands.Streams.StreamValue) Keyspace.Blocking?.SignalReady(Index, key);
        e.Value = value;
        e.Flags = flags;
        e.LastAccess = ServerClock.Seconds;
        if (!keepTtl)
        {
            table.SetExpire(slot, expireAt);
            if (expireAt != 0) Durability.EffectRecorder.ExpirySet(Index, e.Key!, expireAt);
        }
        stats.Dirty++;
        if (value is ListValue or SortedSetValue or Commands.Streams.StreamValue) Keyspace.Blocking?.SignalReady(Index, key);
    }

    /// <summary>Replaces the value of an existing live key in place (keeps the expiry).</summary>
    public void Replace(KeyTable table, int slot, object value, byte flags)
    {
        ref var e = ref table.Slot(slot);
        e.Value = value;
        e.Flags = flags;
        stats.Dirty++;
        Keyspace.Watches.Touch(Index, e.Key);
    }

    /// <summary>After a collection was changed in place: counts the change and invalidates WATCHes on the key.</summary>
    public void Modified(ReadOnlySpan<byte> key)
    {
        stats.Dirty++;
        Keyspace.Watches.Touch(Index, key);
    }

    /// <summary><see cref="Modified(ReadOnlySpan{byte})"/> plus the keyspace notification Redis sends for it.</summary>
    public void Modified(ReadOnlySpan<byte> key, Commands.PubSub.KeyspaceEvents.Kind kind, string eventName)
    {
        Modified(key);
        Notify(kind, eventName, key);
    }

    public bool Delete(ReadOnlySpan<byte> key)
    {
        if (!TryFind(key, out var table, out int slot)) return false;
        bool stream = table.Slot(slot).Value is Commands.Streams.StreamValue;
        table.RemoveAt(slot);
        if (stream) Keyspace.Blocking?.SignalReady(Index, key); // a blocked XREADGROUP learns the key is gone
        stats.Dirty++;
        Keyspace.Watches.Touch(Index, key);
        return true;
    }

    /// <summary>Expiry in Unix ms of a live key: -2 missing, -1 persistent.</summary>
    public long GetExpire(ReadOnlySpan<byte> key)
    {
        if (!TryFind(key, out var table, out int slot)) return -2;
        long at = table.Slot(slot).ExpireAt;
        return at == 0 ? -1 : at;
    }

    public void SetExpire(KeyTable table, int slot, long expireAt)
    {
        table.SetExpire(slot, expireAt);
        if (expireAt != 0) Durability.EffectRecorder.ExpirySet(Index, table.Slot(slot).Key!, expireAt);
        stats.Dirty++;
        Keyspace.Watches.Touch(Index, table.Slot(slot).Key);
    }

    public ThreadStats Stats => stats;

    /// <summary>Publishes a keyspace notification for a key of this database (no-op while notifications are off).</summary>
    public void Notify(Commands.PubSub.KeyspaceEvents.Kind kind, string eventName, ReadOnlySpan<byte> key) => Keyspace.Events.Notify(kind, eventName, Index, key);
}
