using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;
using Arrakis.Protocol;

namespace Arrakis.Server.Commands.Hashes;

/// <summary>HSET, HSETNX, HMSET, HGET, HMGET, HDEL, HLEN, HSTRLEN, HEXISTS, HKEYS, HVALS, HGETALL, HINCRBY, HINCRBYFLOAT, HRANDFIELD, HSCAN.</summary>
internal static class HashCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["hset"] = c => HSet(c, hmset: false);
        h["hmset"] = c => HSet(c, hmset: true);
        h["hsetnx"] = HSetNx;
        h["hget"] = c =>
        {
            if (!CollectionValues.TryGet<HashValue>(c, c.Db, c.Arg(1), out var hash)) return;
            if (hash is not null && hash.TryGet(c.Arg(2), out var v)) c.Reply.WriteBulk(v);
            else c.Reply.WriteNull();
        };
        h["hmget"] = c =>
        {
            if (!CollectionValues.TryGet<HashValue>(c, c.Db, c.Arg(1), out var hash)) return;
            c.Reply.WriteArrayHeader(c.ArgCount - 2);
            for (int i = 2; i < c.ArgCount; i++)
            {
                if (hash is not null && hash.TryGet(c.Arg(i), out var v)) c.Reply.WriteBulk(v);
                else c.Reply.WriteNull();
            }
        };
        h["hdel"] = c => CollectionValues.RemoveMembers<HashValue>(c, K.Hash, "hdel");
        h["hlen"] = c =>
        {
            if (CollectionValues.TryGet<HashValue>(c, c.Db, c.Arg(1), out var hash)) c.Reply.WriteInteger(hash?.Count ?? 0);
        };
        h["hstrlen"] = c =>
        {
            if (CollectionValues.TryGet<HashValue>(c, c.Db, c.Arg(1), out var hash)) c.Reply.WriteInteger(hash is not null && hash.TryGet(c.Arg(2), out var v) ? v.Length : 0);
        };
        h["hexists"] = c =>
        {
            if (CollectionValues.TryGet<HashValue>(c, c.Db, c.Arg(1), out var hash)) c.Reply.WriteInteger(hash is not null && hash.TryGet(c.Arg(2), out _) ? 1 : 0);
        };
        h["hkeys"] = c => GetAll(c, keys: true, values: false);
        h["hvals"] = c => GetAll(c, keys: false, values: true);
        h["hgetall"] = c => GetAll(c, keys: true, values: true);
        h["hincrby"] = HIncrBy;
        h["hincrbyfloat"] = HIncrByFloat;
        h["hrandfield"] = HRandField;
        h["hscan"] = c => CollectionScan.Execute(c, CollectionScan.Kind.Hash);
    }

    private static void HSet(CommandContext c, bool hmset)
    {
        if (c.ArgCount % 2 != 0)
        {
            c.Error(Errors.WrongArgs(c.Command.FullName));
            return;
        }
        var db = c.Db;
        var hash = CollectionValues.GetOrCreate<HashValue>(c, db, c.Arg(1));
        if (hash is null) return;
        long created = 0;
        for (int i = 2; i < c.ArgCount; i += 2)
        {
            if (hash.Set(c.Arg(i), c.Arg(i + 1))) created++;
        }
        db.Modified(c.Arg(1), K.Hash, "hset");
        if (hmset) c.Reply.WriteOk();
        else c.Reply.WriteInteger(created);
    }

    private static void HSetNx(CommandContext c)
    {
        var db = c.Db;
        var hash = CollectionValues.GetOrCreate<HashValue>(c, db, c.Arg(1));
        if (hash is null) return;
        if (hash.TryGet(c.Arg(2), out _))
        {
            c.Reply.WriteInteger(0);
            return;
        }
        hash.Set(c.Arg(2), c.Arg(3));
        db.Modified(c.Arg(1), K.Hash, "hset");
        c.Reply.WriteInteger(1);
    }

    private static void GetAll(CommandContext c, bool keys, bool values)
    {
        if (!CollectionValues.TryGet<HashValue>(c, c.Db, c.Arg(1), out var hash)) return;
        int n = hash?.Count ?? 0;
        if (keys && values) c.Reply.WriteMapHeader(n);
        else c.Reply.WriteArrayHeader(n);
        if (hash is null) return;
        foreach (var kv in hash.Entries)
        {
            if (keys) c.Reply.WriteBulk(kv.Key);
            if (values) c.Reply.WriteBulk(kv.Value);
        }
    }

    private static void HIncrBy(CommandContext c)
    {
        if (!c.TryArgLong(3, out long by)) return;
        var db = c.Db;
        var hash = CollectionValues.GetOrCreate<HashValue>(c, db, c.Arg(1));
        if (hash is null) return;
        long current = 0;
        if (hash.TryGet(c.Arg(2), out var v) && !RespNumber.TryParseInt64(v, out current))
        {
            c.Error("ERR hash value is not an integer");
            CollectionValues.DeleteIfEmpty(db, c.Arg(1), hash.Count);
            return;
        }
        if ((by < 0 && current < 0 && by < long.MinValue - current) || (by > 0 && current > 0 && by > long.MaxValue - current))
        {
            c.Error(Errors.Overflow);
            CollectionValues.DeleteIfEmpty(db, c.Arg(1), hash.Count);
            return;
        }
        long result = current + by;
        hash.Set(c.Arg(2), System.Text.Encoding.ASCII.GetBytes(result.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        db.Modified(c.Arg(1), K.Hash, "hincrby");
        c.Reply.WriteInteger(result);
    }

    private static void HIncrByFloat(CommandContext c)
    {
        if (!Numbers.TryParseLongDouble(c.Arg(3), out double increment))
        {
            c.Error(Errors.NotFloat);
            return;
        }
        if (double.IsInfinity(increment) && Numbers.IsInfinityLiteral(c.Arg(3))) // 1e400 is finite as a long double
        {
            c.Error("ERR value is NaN or Infinity");
            return;
        }
        var db = c.Db;
        var hash = CollectionValues.GetOrCreate<HashValue>(c, db, c.Arg(1));
        if (hash is null) return;
        var current = hash.Get(c.Arg(2));
        if (current is not null && !Numbers.TryParseLongDouble(current, out _))
        {
            c.Error("ERR hash value is not a float");
            CollectionValues.DeleteIfEmpty(db, c.Arg(1), hash.Count);
            return;
        }
        if (!Numbers.TryAddFloat(current ?? "0"u8.ToArray(), c.Arg(3), out var result, out var error))
        {
            c.Error(error!);
            CollectionValues.DeleteIfEmpty(db, c.Arg(1), hash.Count);
            return;
        }
        hash.Set(c.Arg(2), result);
        db.Modified(c.Arg(1), K.Hash, "hincrbyfloat");
        c.Reply.WriteBulk(result);
    }

    private static void HRandField(CommandContext c)
    {
        bool withValues = false;
        long count = 0;
        bool hasCount = c.ArgCount >= 3;
        if (hasCount)
        {
            if (!RandomPicks.TryParseCount(c, 2, out count)) return;
            if (c.ArgCount == 4)
            {
                if (!c.ArgIs(3, "WITHVALUES"))
                {
                    c.SyntaxError();
                    return;
                }
                withValues = true;
                if (!RandomPicks.CheckPairCount(c, count)) return;
            }
            else if (c.ArgCount > 4)
            {
                c.SyntaxError();
                return;
            }
        }
        if (!CollectionValues.TryGet<HashValue>(c, c.Db, c.Arg(1), out var hash)) return;
        if (!hasCount)
        {
            if (hash is null) c.Reply.WriteNull();
            else c.Reply.WriteBulk(hash.EntryAt(Random.Shared.Next(hash.Count)).Key);
            return;
        }
        if (hash is null || count == 0)
        {
            c.Reply.WriteArrayHeader(0);
            return;
        }
        if (!RandomPicks.CheckRepeatReply(c, count, hash.Count, i => { var e = hash.EntryAt(i); return e.Key.Length + (withValues ? e.Value.Length + 16 : 0); })) return;
        var picks = RandomPicks.Choose(hash.Count, count);
        if (withValues && c.Reply.IsResp3) c.Reply.WriteArrayHeader(picks.Count);
        else c.Reply.WriteArrayHeader(picks.Count * (withValues ? 2 : 1));
        var entries = hash.Entries.ToArray();
        foreach (int i in picks)
        {
            if (withValues && c.Reply.IsResp3) c.Reply.WriteArrayHeader(2);
            c.Reply.WriteBulk(entries[i].Key);
            if (withValues) c.Reply.WriteBulk(entries[i].Value);
        }
    }
}
