using System.Collections.Concurrent;
using Arrakis.Persistence.Rdb;
using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Durability;

/// <summary>
/// A point-in-time copy of the keyspace without stopping the world (.NET has no fork): begun while
/// every stripe is held for an instant, then each stripe is copied exactly once, either by the snapshot's
/// own thread or by the first command that takes the stripe afterwards, before that command can change
/// it (copy on first lock). The copy is a memory copy of the stripe's slots and record pages plus deep
/// copies of its object values; the writer thread serializes it (as RDB entries) after the stripe is let
/// go. A command waits at most one stripe's copy (a single data-plane thread whose commands hit every
/// stripe early in a save used to serialize nearly all of them in a row: 71 ms for 1M keys). The parts
/// arrive in any order; an RDB file may switch databases freely. Until the writer has taken them, copies
/// cost memory, up to a copy of the keyspace (what a forked child's copy-on-write costs Redis at worst).
/// </summary>
/// <remarks>
/// <see cref="EnsureCaptured"/> is called by whoever holds a stripe's lock; <see cref="TakePart"/>
/// by the snapshot's writer thread.
/// </remarks>
internal sealed class Snapshot
{
    private readonly int[] _captured = new int[Keyspace.Keyspace.StripeCount];
    private readonly BlockingCollection<KeyTable?[]> _parts = new();
    private readonly long _nowMs;

    private Snapshot(long lsn, long nowMs)
    {
        Lsn = lsn;
        _nowMs = nowMs;
    }

    /// <summary>The log's last LSN when the snapshot was taken: the snapshot holds exactly the records up to it.</summary>
    public long Lsn { get; }

    public long Keys;

    /// <summary>
    /// Takes every stripe for an instant and installs the snapshot on the keyspace. <paramref name="whileHeld"/>
    /// runs while every stripe is held (nothing can append to the log) and returns the LSN the snapshot is at.
    /// </summary>
    public static Snapshot Begin(Keyspace.Keyspace keyspace, Func<long> whileHeld)
    {
        for (int i = 0; i < Keyspace.Keyspace.StripeCount; i++) keyspace[i].Gate.Enter();
        try
        {
            var snap = new Snapshot(whileHeld(), Runtime.ServerClock.UnixMs);
            keyspace.Snapshot = snap;
            return snap;
        }
        finally
        {
            for (int i = Keyspace.Keyspace.StripeCount - 1; i >= 0; i--) keyspace[i].Gate.Exit();
        }
    }

    /// <summary>Copies <paramref name="stripe"/> if it was not yet (the caller holds its lock).</summary>
    public void EnsureCaptured(Stripe stripe)
    {
        if (_captured[stripe.Index] != 0) return;
        _captured[stripe.Index] = 1;
        KeyTable?[] copy;
        try
        {
            copy = new KeyTable?[stripe.Tables.Length];
            for (int db = 0; db < copy.Length; db++)
            {
                if (stripe.Tables[db] is { Count: > 0 } table) copy[db] = table.CopyForSnapshot(Commands.ValueKinds.Clone);
            }
        }
        catch (Exception e)
        {
            // The snapshot is incomplete: it fails (the writer sees Failed) but the command goes on.
            Failure ??= $"stripe {stripe.Index} could not be copied: {e.GetType().Name}: {e.Message}";
            copy = [];
        }
        _parts.Add(copy);
    }

    /// <summary>Why the snapshot is incomplete, or null.</summary>
    public string? Failure { get; private set; }

    /// <summary>Captures every stripe not yet captured (the snapshot's own thread).</summary>
    public void CaptureRemaining(Keyspace.Keyspace keyspace)
    {
        for (int i = 0; i < Keyspace.Keyspace.StripeCount; i++)
        {
            var stripe = keyspace[i];
            stripe.Gate.Enter();
            try
            {
                EnsureCaptured(stripe);
            }
            finally
            {
                stripe.Gate.Exit();
            }
        }
    }

    /// <summary>The next stripe, serialized (blocks until one was copied). The writer thread.</summary>
    public byte[] TakePart()
    {
        var tables = _parts.Take();
        try
        {
            return Serialize(tables);
        }
        catch (Exception e)
        {
            Failure ??= $"a stripe could not be serialized: {e.GetType().Name}: {e.Message}";
            return [];
        }
    }

    private byte[] Serialize(KeyTable?[] tables)
    {
        using var ms = new MemoryStream();
        var writer = new RdbWriter(ms, compress: true);
        for (int db = 0; db < tables.Length; db++)
        {
            var table = tables[db];
            if (table is null || table.Count == 0) continue;
            writer.SelectDb(db, table.Count, table.VolatileCount);
            for (int slot = 0; slot < table.SlotCount; slot++)
            {
                ref var e = ref table.Slot(slot);
                if (e.Record == 0) continue;
                writer.WriteEntry(table.KeyAt(slot), RdbValues.ToRdb(table.ValueObject(slot)), e.ExpireAt);
                Interlocked.Increment(ref Keys);
            }
        }
        writer.Flush();
        return ms.ToArray();
    }
}
