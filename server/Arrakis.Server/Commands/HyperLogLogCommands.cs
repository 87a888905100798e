using K = Arrakis.Server.PubSub.KeyspaceEvents.Kind;
using Arrakis.Server.Keyspace;
using Arrakis.Server.Values;

namespace Arrakis.Server.Commands;

/// <summary>PFADD, PFCOUNT, PFMERGE over Redis-format HyperLogLog strings.</summary>
internal static class HyperLogLogCommands
{
    private const string InvalidHll = "WRONGTYPE Key is not a valid HyperLogLog string value.";

    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["pfadd"] = PfAdd;
        h["pfcount"] = PfCount;
        h["pfmerge"] = PfMerge;
    }

    /// <summary>The HLL stored at <paramref name="key"/> as a dense array owned by the key (converted in place if sparse);
    /// null when missing; false after replying an error.</summary>
    private static bool TryLoad(CommandContext c, in Db db, ReadOnlySpan<byte> key, out byte[]? dense, bool read = false)
    {
        dense = null;
        if (!StringValues.TryGet(c, db, key, out var s, countHits: read)) return false;
        if (s is null) return true;
        if (!HyperLogLog.IsValid(s))
        {
            c.Error(InvalidHll);
            return false;
        }
        dense = HyperLogLog.ToDense(s);
        if (!ReferenceEquals(dense, s))
        {
            db.TryFind(key, out var table, out int slot);
            db.Replace(table, slot, dense, EntryFlags.RawString);
        }
        return true;
    }

    private static void PfAdd(CommandContext c)
    {
        var db = c.Db;
        var key = c.Arg(1);
        if (!TryLoad(c, db, key, out var hll)) return;
        bool changed = false;
        if (hll is null)
        {
            hll = HyperLogLog.CreateDense();
            db.Set(key, hll, flags: EntryFlags.RawString);
            changed = true;
        }
        for (int i = 2; i < c.ArgCount; i++) changed |= HyperLogLog.Add(hll, c.Arg(i));
        if (changed) db.Modified(key, K.String, "pfadd");
        c.Reply.WriteInteger(changed ? 1 : 0);
    }

    private static void PfCount(CommandContext c)
    {
        var db = c.Db;
        if (c.ArgCount == 2)
        {
            if (!TryLoad(c, db, c.Arg(1), out var one, read: true)) return;
            c.Reply.WriteInteger(one is null ? 0 : HyperLogLog.Count(one, useCache: true));
            return;
        }
        var merged = HyperLogLog.CreateDense();
        for (int i = 1; i < c.ArgCount; i++)
        {
            if (!TryLoad(c, db, c.Arg(i), out var hll, read: true)) return;
            if (hll is not null) HyperLogLog.Merge(merged, hll);
        }
        c.Reply.WriteInteger(HyperLogLog.Count(merged, useCache: false));
    }

    private static void PfMerge(CommandContext c)
    {
        var db = c.Db;
        var merged = HyperLogLog.CreateDense();
        for (int i = 1; i < c.ArgCount; i++)
        {
            if (!TryLoad(c, db, c.Arg(i), out var hll, read: true)) return; // Redis reads every key, the destination too
            if (hll is not null) HyperLogLog.Merge(merged, hll);
        }
        var dst = c.Arg(1);
        if (!TryLoad(c, db, dst, out var target)) return;
        if (target is null)
        {
            HyperLogLog.InvalidateCache(merged);
            db.Set(dst, merged, flags: EntryFlags.RawString);
            db.Notify(K.String, "pfadd", dst);
        }
        else
        {
            HyperLogLog.Merge(target, merged);
            HyperLogLog.InvalidateCache(target);
            db.Modified(dst, K.String, "pfadd");
        }
        c.Reply.WriteOk();
    }
}
