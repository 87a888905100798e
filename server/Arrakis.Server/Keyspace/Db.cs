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
        if (!TryFindStored(key, out table, out slot)) return false;
        ref var e = ref table.Slot(slot);
        if (e.ExpireAt != 0 && e.ExpireAt <= NowMs && !Keyspace.Loading)
        {
            if (table.ObjectAt(slot) is Commands.Streams.StreamValue) Keyspace.Blocking?.SignalReady(Index, key); // a blocked XREADGROUP learns the key is gone
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

    /// <summary>Finds a key whether or not its time has passed, removing nothing and counting nothing (<see cref="TryFind"/>
    /// starts here; MEMORY USAGE stops here: Redis 7.0 looks into the dict itself, so a key past its expiry that no lookup
    /// removed yet still has a size).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool TryFindStored(ReadOnlySpan<byte> key, out KeyTable table, out int slot)
    {
        int hash = KeyTable.Hash(key);
        table = Keyspace[Keyspace.StripeOf(hash)].Tables[Index]!;
        slot = table is null ? -1 : table.Find(key, hash);
        return slot >= 0;
    }

    /// <summary>The value of a live key, or null; counts a keyspace hit or miss. A string comes back as an
    /// array: a copy of an inline one (hot paths read strings in place through <see cref="TryFindCounted"/>).</summary>
    public object? Get(ReadOnlySpan<byte> key) => TryFindCounted(key, out var table, out int slot) ? table.ValueObject(slot) : null;

    /// <summary><see cref="TryFind"/> that counts a keyspace hit or miss (and notifies keymiss).</summary>
    public bool TryFindCounted(ReadOnlySpan<byte> key, out KeyTable table, out int slot)
    {
        if (TryFind(key, out table, out slot))
        {
            stats.KeyspaceHits++;
            return true;
        }
        stats.KeyspaceMisses++;
        Keyspace.Events.Notify(Commands.PubSub.KeyspaceEvents.Kind.KeyMiss, "keymiss", Index, key);
        return false;
    }

    /// <summary>The value of a live key without counting hits (for writes); a string as in <see cref="Get"/>.</summary>
    public object? Peek(ReadOnlySpan<byte> key) => TryFind(key, out var table, out int slot) ? table.ValueObject(slot) : null;

    /// <summary>The value of a live key as commands work on it (<see cref="KeyTable.ValueView"/>: a packed collection as a view
    /// of its slot), or null; counts hits when <paramref name="countHits"/>.</summary>
    public object? View(ReadOnlySpan<byte> key, bool countHits)
    {
        int slot;
        KeyTable table;
        bool found = countHits ? TryFindCounted(key, out table, out slot) : TryFind(key, out table, out slot);
        if (!found) return null;
        stats.ViewTable = table;
        stats.ViewSlot = slot;
        stats.ViewDb = Index;
        return table.ValueView(slot);
    }

    public bool Exists(ReadOnlySpan<byte> key) => TryFind(key, out _, out _);

    /// <summary>Sets a key's value. <paramref name="keepTtl"/> keeps an existing expiry, else it is cleared
    /// (or set to <paramref name="expireAt"/> when not 0). An array is a string, copied inline into the
    /// table (use <see cref="SetObject"/> for an array the caller goes on changing in place).</summary>
    public void Set(ReadOnlySpan<byte> key, object value, long expireAt = 0, bool keepTtl = false, byte flags = 0)
    {
        if (value is byte[] s) SetString(key, s, expireAt, keepTtl, flags);
        else SetObject(key, value, expireAt, keepTtl, flags);
    }

    /// <summary><see cref="Set"/> of a string, stored inline (an overwrite of the same size class reuses its record).</summary>
    public void SetString(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expireAt = 0, bool keepTtl = false, byte flags = 0)
    {
        var table = Prepare(key, out int hash, out int slot);
        if (slot < 0) slot = NotifiedNew(key, table.AddString(key, hash, value));
        else
        {
            if (table.ObjectAt(slot) is Commands.Streams.StreamValue) Keyspace.Blocking?.SignalReady(Index, key);
            table.SetString(slot, value);
        }
        Finish(table, slot, key, expireAt, keepTtl, flags);
    }

    /// <summary><see cref="Set"/> of a value kept by reference (collections, or an array changed in place afterwards).
    /// A packed collection (<see cref="IPackedValue"/>) is the exception: its bytes are stored inline and it becomes a view of the slot.</summary>
    public void SetObject(ReadOnlySpan<byte> key, object value, long expireAt = 0, bool keepTtl = false, byte flags = 0)
    {
        var table = Prepare(key, out int hash, out int slot);
        var packed = value is IPackedValue { IsListpack: true } p ? p : null;
        if (slot < 0) slot = NotifiedNew(key, packed is not null ? table.AddPacked(key, hash, packed.PackedKind, packed.Packed) : table.AddObject(key, hash, value));
        else
        {
            if (table.ObjectAt(slot) is Commands.Streams.StreamValue && value is not Commands.Streams.StreamValue) Keyspace.Blocking?.SignalReady(Index, key);
            if (packed is not null) table.SetPacked(slot, packed.PackedKind, packed.Packed);
            else table.SetObject(slot, value);
        }
        packed?.Attach(table, slot);
        Finish(table, slot, key, expireAt, keepTtl, flags);
        if (value is ListValue or SortedSetValue or Commands.Streams.StreamValue) Keyspace.Blocking?.SignalReady(Index, key);
    }

    /// <summary>The key's table and live slot (-1 when missing; an expired key is removed first).</summary>
    private KeyTable Prepare(ReadOnlySpan<byte> key, out int hash, out int slot)
    {
        hash = KeyTable.Hash(key);
        var table = Keyspace[Keyspace.StripeOf(hash)].Table(Index);
        slot = table.Find(key, hash);
        if (slot >= 0 && table.Slot(slot).ExpireAt is var old && old != 0 && old <= NowMs && !Keyspace.Loading)
        {
            if (table.ObjectAt(slot) is Commands.Streams.StreamValue) Keyspace.Blocking?.SignalReady(Index, key);
            table.RemoveAt(slot);
            stats.ExpiredKeys++;
            Durability.EffectRecorder.Expired(Index, key.ToArray());
            Keyspace.Events.Notify(Commands.PubSub.KeyspaceEvents.Kind.Expired, "expired", Index, key);
            slot = -1;
        }
        return table;
    }

    /// <summary>Sends the "new" event for a key just added; returns its slot.</summary>
    private int NotifiedNew(ReadOnlySpan<byte> key, int slot)
    {
        Keyspace.Events.Notify(Commands.PubSub.KeyspaceEvents.Kind.New, "new", Index, key);
        return slot;
    }

    private void Finish(KeyTable table, int slot, ReadOnlySpan<byte> key, long expireAt, bool keepTtl, byte flags)
    {
        Keyspace.Watches.Touch(Index, key);
        ref var e = ref table.Slot(slot);
        e.Flags = flags;
        e.LastAccess = ServerClock.Seconds;
        if (!keepTtl)
        {
            table.SetExpire(slot, expireAt);
            if (expireAt != 0) Durability.EffectRecorder.ExpirySet(Index, key, expireAt);
        }
        stats.Dirty++;
    }

    /// <summary>Replaces the value of an existing live key in place (keeps the expiry); the object is kept by
    /// reference (an array too: callers that change it in place later rely on that).</summary>
    public void Replace(KeyTable table, int slot, object value, byte flags)
    {
        if (value is IPackedValue { IsListpack: true } packed)
        {
            table.SetPacked(slot, packed.PackedKind, packed.Packed);
            packed.Attach(table, slot);
        }
        else table.SetObject(slot, value);
        table.Slot(slot).Flags = flags;
        stats.Dirty++;
        Keyspace.Watches.Touch(Index, table.KeyAt(slot));
    }

    /// <summary>Replaces the value of an existing live key with a string stored inline (keeps the expiry).</summary>
    public void ReplaceString(KeyTable table, int slot, ReadOnlySpan<byte> value, byte flags)
    {
        table.SetString(slot, value);
        table.Slot(slot).Flags = flags;
        stats.Dirty++;
        Keyspace.Watches.Touch(Index, table.KeyAt(slot));
    }

    /// <summary>After a collection was changed in place: counts the change, invalidates WATCHes on the key and
    /// brings its table's memory accounting up to date (<see cref="KeyTable.Reaccount"/>).</summary>
    public void Modified(ReadOnlySpan<byte> key)
    {
        stats.Dirty++;
        Keyspace.Watches.Touch(Index, key);
        Reaccount(key);
    }

    /// <summary>Counts <paramref name="changes"/> that WATCH does not see (stream consumer groups, as in Redis) and
    /// brings the key's memory accounting up to date.</summary>
    public void ChangedUnwatched(ReadOnlySpan<byte> key, long changes = 1)
    {
        stats.Dirty += changes;
        Reaccount(key);
    }

    /// <summary>Brings the memory accounting of the key's object value up to date after it changed in place (<see cref="KeyTable.Reaccount"/>).</summary>
    public void Reaccount(ReadOnlySpan<byte> key)
    {
        // Usually the key the command looked up through View: its slot, if it still holds this key.
        if (stats.ViewTable is { } viewed && stats.ViewDb == Index && (uint)stats.ViewSlot < (uint)viewed.SlotCount
            && viewed.Slot(stats.ViewSlot).Record != 0 && viewed.KeyAt(stats.ViewSlot).SequenceEqual(key))
        {
            viewed.Reaccount(stats.ViewSlot);
            return;
        }
        int hash = KeyTable.Hash(key);
        var table = Keyspace[Keyspace.StripeOf(hash)].Tables[Index];
        int slot = table?.Find(key, hash) ?? -1;
        if (slot >= 0) table!.Reaccount(slot);
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
        bool stream = table.ObjectAt(slot) is Commands.Streams.StreamValue;
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
        if (expireAt != 0) Durability.EffectRecorder.ExpirySet(Index, table.KeyAt(slot), expireAt);
        stats.Dirty++;
        Keyspace.Watches.Touch(Index, table.KeyAt(slot));
    }

    public ThreadStats Stats => stats;

    /// <summary>Publishes a keyspace notification for a key of this database (no-op while notifications are off).</summary>
    public void Notify(Commands.PubSub.KeyspaceEvents.Kind kind, string eventName, ReadOnlySpan<byte> key) => Keyspace.Events.Notify(kind, eventName, Index, key);
}
