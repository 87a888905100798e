using System.Collections.Concurrent;
using Arrakis.IoBypass.Memory;
using Arrakis.Persistence.Rdb;
using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Durability;

/// <summary>
/// A point-in-time copy of the keyspace without stopping the world (.NET has no fork): begun while
/// every stripe is held for an instant, then each stripe is captured exactly once, either by the snapshot's
/// own thread or by the first command that takes the stripe afterwards, before that command can change
/// it (copy on first lock). The capture copies the stripe's slots and record pages into off-heap memory and
/// deep-copies its object values (<see cref="CapturedKeys"/>); the writer thread serializes it (as RDB
/// entries) after the stripe is let go. A command waits at most one stripe's capture, a copy into memory the
/// snapshot's thread made ready before the beginning (<see cref="Reserve"/>). The parts arrive in
/// any order; an RDB file may switch databases freely. Until the writer has taken them, captures cost
/// memory, up to a copy of the keyspace (what a forked child's copy-on-write costs Redis at worst).
/// </summary>
/// <remarks>
/// <see cref="EnsureCaptured"/> is called by whoever holds a stripe's lock; <see cref="WriteNextPart"/> and
/// <see cref="DiscardParts"/> by the snapshot's writer thread.
/// </remarks>
internal sealed class Snapshot
{
    private readonly int[] _captured = new int[Keyspace.Keyspace.StripeCount];
    private readonly BlockingCollection<CapturedKeys> _parts = new();
    private readonly IOffHeapMemory _memory;

    private readonly OffHeapBuffer?[]? _reserves;

    private readonly Keyspace.Keyspace _keyspace;

    private Snapshot(Keyspace.Keyspace keyspace, long lsn, IOffHeapMemory memory, OffHeapBuffer?[]? reserves)
    {
        _keyspace = keyspace;
        Lsn = lsn;
        for (int i = 0; i < Keyspace.Keyspace.StripeCount; i++)
        {
            foreach (var table in keyspace[i].Tables) KeysAtBegin += table?.Count ?? 0;
        }
        _memory = memory;
        _reserves = reserves;
    }

    /// <summary>At most this much memory is reserved ahead of a snapshot (<see cref="Reserve"/>); stripes past it
    /// are captured into memory allocated at the capture.</summary>
    public const long MaxReserveBytes = 1L << 30;

    /// <summary>
    /// Memory for each stripe's capture, allocated and touched now, before the snapshot begins (the snapshot's own
    /// thread; each stripe is held for an instant to size it): a command that captures a stripe then copies into
    /// pages already mapped instead of taking a page fault per 4 KiB. Sized to the stripe now plus 1/16 for what
    /// arrives before its capture; stripes past <see cref="MaxReserveBytes"/> in all get none. Pass to <see cref="Begin"/>.
    /// </summary>
    public static OffHeapBuffer?[] Reserve(Keyspace.Keyspace keyspace, IOffHeapMemory memory)
    {
        var reserves = new OffHeapBuffer?[Keyspace.Keyspace.StripeCount];
        long total = 0;
        try
        {
            for (int i = 0; i < reserves.Length; i++)
            {
                var stripe = keyspace[i];
                long bytes = 0;
                stripe.Gate.Enter();
                try
                {
                    foreach (var table in stripe.Tables)
                    {
                        if (table is { Count: > 0 }) bytes += table.CaptureBytes + 16; // + the slots' alignment
                    }
                }
                finally
                {
                    stripe.Gate.Exit();
                }
                if (bytes == 0) continue;
                bytes += bytes / 16 + 4096;
                if (bytes > int.MaxValue || total + bytes > MaxReserveBytes) break;
                var buffer = memory.Allocate((int)bytes);
                reserves[i] = buffer;
                total += bytes;
                var span = buffer.Span;
                for (int b = 0; b < span.Length; b += 4096) span[b] = 0; // maps the page now
            }
            return reserves;
        }
        catch
        {
            Free(reserves);
            throw;
        }
    }

    /// <summary>Frees reserves a snapshot never took (it could not begin).</summary>
    public static void Free(OffHeapBuffer?[] reserves)
    {
        for (int i = 0; i < reserves.Length; i++)
        {
            reserves[i]?.Dispose();
            reserves[i] = null;
        }
    }

    /// <summary>The log's last LSN when the snapshot was taken: the snapshot holds exactly the records up to it.</summary>
    public long Lsn { get; }

    /// <summary>Keys written so far (INFO's current_save_keys_processed).</summary>
    public long Keys;

    /// <summary>Keys in the keyspace when the snapshot began (INFO's current_save_keys_total).</summary>
    public long KeysAtBegin { get; }

    /// <summary>
    /// Takes every stripe for an instant and installs the snapshot on the keyspace. <paramref name="whileHeld"/>
    /// runs while every stripe is held (nothing can append to the log) and returns the LSN the snapshot is at.
    /// <paramref name="reserves"/> (from <see cref="Reserve"/>) then belong to the snapshot: each goes with its
    /// stripe's capture.
    /// </summary>
    public static Snapshot Begin(Keyspace.Keyspace keyspace, Func<long> whileHeld, IOffHeapMemory memory, OffHeapBuffer?[]? reserves = null)
    {
        for (int i = 0; i < Keyspace.Keyspace.StripeCount; i++) keyspace[i].Gate.Enter();
        try
        {
            var snap = new Snapshot(keyspace, whileHeld(), memory, reserves);
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
        OffHeapBuffer? reserve = null;
        if (_reserves is not null)
        {
            reserve = _reserves[stripe.Index];
            _reserves[stripe.Index] = null;
        }
        var part = new CapturedKeys(_memory, reserve);
        try
        {
            for (int db = 0; db < stripe.Tables.Length; db++)
            {
                if (stripe.Tables[db] is { Count: > 0 } table) table.CaptureInto(part, db, Commands.ValueKinds.Clone);
            }
        }
        catch (Exception e)
        {
            // The snapshot is incomplete: it fails (the writer sees Failed) but the command goes on.
            Failure ??= $"stripe {stripe.Index} could not be captured: {e.GetType().Name}: {e.Message}";
            part.Dispose();
            part = new CapturedKeys(_memory);
        }
        _parts.Add(part);
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

    /// <summary>Serializes the next captured stripe into <paramref name="writer"/> (blocks until one was captured)
    /// and frees it. The writer thread; a failure of the output (an IOException) is thrown, any other is kept in
    /// <see cref="Failure"/>.</summary>
    public void WriteNextPart(RdbWriter writer)
    {
        using var part = _parts.Take();
        try
        {
            Serialize(part, writer);
        }
        catch (Exception e) when (e is not IOException)
        {
            Failure ??= $"a stripe could not be serialized: {e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>Frees the parts no writer took (a save that failed); call after every stripe was captured (or the
    /// snapshot was taken off the keyspace: a part captured after that is freed by its buffers' finalizers).</summary>
    public void DiscardParts()
    {
        while (_parts.TryTake(out var part)) part.Dispose();
        if (_reserves is null) return;
        // Reserves of stripes no capture took (a failed save or rewrite): each taken from under its stripe's lock,
        // as a capture would take it, so none is freed while a command copies into it.
        for (int i = 0; i < _reserves.Length; i++)
        {
            if (_reserves[i] is null) continue;
            OffHeapBuffer? reserve;
            var gate = _keyspace[i].Gate;
            gate.Enter();
            try
            {
                reserve = _reserves[i];
                _reserves[i] = null;
            }
            finally
            {
                gate.Exit();
            }
            reserve?.Dispose();
        }
    }

    private void Serialize(CapturedKeys part, RdbWriter writer)
    {
        foreach (var table in part.Tables)
        {
            if (table.Count == 0) continue;
            writer.SelectDb(table.Db, table.Count, table.Volatile);
            foreach (ref readonly var slot in CapturedKeys.Slots(table))
            {
                if (slot.Record == 0) continue;
                CapturedKeys.Record(table, slot, out var key, out var value, out object? copy);
                // Strings are written from the bytes (nothing allocated); other values as RDB values.
                if (slot.Handle == KeyTable.InlineString) writer.WriteStringEntry(key, value, slot.ExpireAt);
                else if (copy is byte[] s) writer.WriteStringEntry(key, s, slot.ExpireAt);
                else writer.WriteEntry(key, RdbValues.ToRdb(copy ?? KeyTable.InlineObject(slot.Handle, value)), slot.ExpireAt);
            }
            Interlocked.Add(ref Keys, table.Count);
        }
    }
}
