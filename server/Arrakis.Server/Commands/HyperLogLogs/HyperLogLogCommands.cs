using Arrakis.Server.Keyspace;
using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;

namespace Arrakis.Server.Commands.HyperLogLogs;

/// <summary>PFADD, PFCOUNT, PFMERGE over Redis-format HyperLogLog strings (sparse until they outgrow
/// hll-sparse-max-bytes or a register passes 32, then dense), following Redis's code paths.</summary>
internal static class HyperLogLogCommands
{
    private const string InvalidHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
    private const string CorruptHll = "INVALIDOBJ Corrupted HLL object detected";

    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["pfadd"] = PfAdd;
        h["pfcount"] = PfCount;
        h["pfmerge"] = PfMerge;
    }

    /// <summary>The HLL stored at <paramref name="key"/> (null when missing); false after replying an error.</summary>
    private static bool TryLoad(CommandContext c, in Db db, ReadOnlySpan<byte> key, out byte[]? hll, bool read = false)
    {
        hll = null;
        if (!StringValues.TryGetMutable(c, db, key, out var s, countHits: read)) return false;
        if (s is null) return true;
        if (!HyperLogLog.IsValid(s))
        {
            c.Error(InvalidHll);
            return false;
        }
        hll = s;
        return true;
    }

    /// <summary>Stores a replaced (grown or promoted) array back under the key.</summary>
    private static void Store(in Db db, ReadOnlySpan<byte> key, byte[] before, byte[] after)
    {
        if (ReferenceEquals(before, after)) return;
        db.TryFind(key, out var table, out int slot, touch: false);
        db.Replace(table, slot, after, EntryFlags.RawString);
    }

    private static void PfAdd(CommandContext c)
    {
        var db = c.Db;
        var key = c.Arg(1);
        if (!TryLoad(c, db, key, out var hll)) return;
        bool changed = false;
        if (hll is null)
        {
            hll = HyperLogLogSparse.Create();
            db.SetObject(key, hll, flags: EntryFlags.RawString);
            changed = true;
        }
        var original = hll;
        int maxBytes = c.Server.Options.HllSparseMaxBytes;
        for (int i = 2; i < c.ArgCount; i++)
        {
            var (index, count) = HyperLogLog.Pattern(c.Arg(i));
            int result = HyperLogLog.Set(ref hll, index, count, maxBytes);
            if (result < 0)
            {
                Store(db, key, original, hll); // Redis keeps the registers it set before it met the corruption
                c.Error(CorruptHll);
                return;
            }
            changed |= result == 1;
        }
        Store(db, key, original, hll);
        if (changed)
        {
            HyperLogLog.InvalidateCache(hll);
            db.Modified(key, K.String, "pfadd");
        }
        c.Reply.WriteInteger(changed ? 1 : 0);
    }

    private static void PfCount(CommandContext c)
    {
        var db = c.Db;
        if (c.ArgCount == 2)
        {
            if (!TryLoad(c, db, c.Arg(1), out var one, read: true)) return;
            if (one is null)
            {
                c.Reply.WriteInteger(0);
                return;
            }
            if (!HyperLogLog.TryCount(one, out long card, out bool refreshed))
            {
                c.Error(CorruptHll);
                return;
            }
            if (refreshed) db.Modified(c.Arg(1)); // Redis counts the cache refresh as a change (WATCH sees it)
            c.Reply.WriteInteger(card);
            return;
        }
        Span<byte> max = stackalloc byte[HyperLogLog.Registers];
        Span<byte> registers = stackalloc byte[HyperLogLog.Registers];
        max.Clear();
        for (int i = 1; i < c.ArgCount; i++)
        {
            if (!TryLoad(c, db, c.Arg(i), out var hll, read: true)) return;
            if (hll is null) continue;
            if (!MergeInto(c, hll, max, registers)) return;
        }
        c.Reply.WriteInteger(HyperLogLog.Estimate(max));
    }

    private static void PfMerge(CommandContext c)
    {
        var db = c.Db;
        var max = new byte[HyperLogLog.Registers];
        var registers = new byte[HyperLogLog.Registers];
        bool useDense = false;
        for (int i = 1; i < c.ArgCount; i++)
        {
            if (!TryLoad(c, db, c.Arg(i), out var hll, read: true)) return; // Redis reads every key, the destination too
            if (hll is null) continue;
            if (!HyperLogLog.IsSparse(hll)) useDense = true;
            if (!MergeInto(c, hll, max, registers)) return;
        }
        var dst = c.Arg(1);
        if (!TryLoad(c, db, dst, out var target)) return;
        if (target is null)
        {
            target = HyperLogLogSparse.Create();
            db.SetObject(dst, target, flags: EntryFlags.RawString);
        }
        var original = target;
        if (useDense && HyperLogLog.IsSparse(target))
        {
            // Cannot fail: the destination was read (and so checked) with the sources above.
            target = HyperLogLogSparse.ToDense(target) ?? throw new InvalidOperationException("PFMERGE destination changed");
        }
        int maxBytes = c.Server.Options.HllSparseMaxBytes;
        for (int r = 0; r < max.Length; r++)
        {
            if (max[r] == 0) continue;
            if (HyperLogLog.IsSparse(target)) HyperLogLogSparse.Set(ref target, r, max[r], maxBytes);
            else HyperLogLog.SetRegister(target, r, max[r]);
        }
        Store(db, dst, original, target);
        HyperLogLog.InvalidateCache(target);
        db.Modified(dst, K.String, "pfadd");
        c.Reply.WriteOk();
    }

    /// <summary>max[i] = MAX(max[i], register i of <paramref name="hll"/>), as Redis's hllMerge; false after
    /// replying INVALIDOBJ for sparse registers that do not decode.</summary>
    private static bool MergeInto(CommandContext c, byte[] hll, Span<byte> max, Span<byte> registers)
    {
        if (!HyperLogLog.ReadRegisters(hll, registers))
        {
            c.Error(CorruptHll);
            return false;
        }
        for (int r = 0; r < registers.Length; r++) max[r] = Math.Max(max[r], registers[r]);
        return true;
    }
}
