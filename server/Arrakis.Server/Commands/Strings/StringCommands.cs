using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;
using Arrakis.Protocol;
using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Commands.Strings;

/// <summary>GET, SET and its variants, MGET/MSET, APPEND, STRLEN, GETRANGE, SETRANGE, INCR family, LCS.</summary>
internal static class StringCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["get"] = Get;
        h["set"] = Set;
        h["setnx"] = SetNx;
        h["setex"] = c => SetWithExpire(c, seconds: true);
        h["psetex"] = c => SetWithExpire(c, seconds: false);
        h["getex"] = GetEx;
        h["getdel"] = GetDel;
        h["getset"] = GetSet;
        h["mget"] = MGet;
        h["mset"] = c => MSet(c, nx: false);
        h["msetnx"] = c => MSet(c, nx: true);
        h["append"] = Append;
        h["strlen"] = StrLen;
        h["getrange"] = GetRange;
        h["substr"] = GetRange;
        h["setrange"] = SetRange;
        h["incr"] = c => IncrBy(c, 1);
        h["decr"] = c => IncrBy(c, -1);
        h["incrby"] = c =>
        {
            if (c.TryArgLong(2, out long by)) IncrBy(c, by);
        };
        h["decrby"] = c =>
        {
            if (!c.TryArgLong(2, out long by)) return;
            if (by == long.MinValue)
            {
                c.Error("ERR decrement would overflow");
                return;
            }
            IncrBy(c, -by);
        };
        h["incrbyfloat"] = IncrByFloat;
        h["lcs"] = Lcs.Execute;
    }

    private static void Get(CommandContext c)
    {
        if (!StringValues.TryRead(c, c.Db, c.Arg(1), out var v, out bool found)) return;
        if (!found) c.Reply.WriteNull();
        else c.Reply.WriteBulk(v);
    }

    private static void Set(CommandContext c)
    {
        var o = SetOptions.Parse(c, 3, forSet: true);
        if (o is null) return;
        var db = c.Db;
        var key = c.Arg(1);
        if (o.Value.Get)
        {
            if (!StringValues.TryRead(c, db, key, out var old, out bool had)) return;
            if (!had) c.Reply.WriteNull();
            else c.Reply.WriteBulk(old);
        }
        bool found = db.Exists(key);
        if ((o.Value.Nx && found) || (o.Value.Xx && !found))
        {
            if (!o.Value.Get) c.Reply.WriteNull();
            return;
        }
        db.SetString(key, c.Arg(2), o.Value.ExpireAt, keepTtl: o.Value.KeepTtl);
        db.Notify(K.String, "set", key);
        if (o.Value.ExpireAt != 0) db.Notify(K.Generic, "expire", key);
        if (!o.Value.Get) c.Reply.WriteOk();
    }

    private static void SetNx(CommandContext c)
    {
        var db = c.Db;
        if (db.Exists(c.Arg(1)))
        {
            c.Reply.WriteInteger(0);
            return;
        }
        db.SetString(c.Arg(1), c.Arg(2));
        db.Notify(K.String, "set", c.Arg(1));
        c.Reply.WriteInteger(1);
    }

    private static void SetWithExpire(CommandContext c, bool seconds)
    {
        if (!c.TryArgLong(2, out long ttl)) return;
        if (ttl <= 0 || (seconds && ttl > long.MaxValue / 1000))
        {
            c.Error(Errors.InvalidExpire(c.Command.FullName));
            return;
        }
        long ms = seconds ? ttl * 1000 : ttl;
        if (ms > long.MaxValue - c.NowMs)
        {
            c.Error(Errors.InvalidExpire(c.Command.FullName));
            return;
        }
        var db = c.Db;
        db.SetString(c.Arg(1), c.Arg(3), c.NowMs + ms);
        db.Notify(K.String, "set", c.Arg(1));
        db.Notify(K.Generic, "expire", c.Arg(1));
        c.Reply.WriteOk();
    }

    private static void GetEx(CommandContext c)
    {
        var db = c.Db;
        var key = c.Arg(1);
        byte[]? v = null;
        // Redis: option syntax, then the key (nil or WRONGTYPE), then the expire value.
        var o = SetOptions.Parse(c, 2, forSet: false, () =>
        {
            if (!StringValues.TryGet(c, c.Db, c.Arg(1), out v)) return false;
            if (v is null) c.Reply.WriteNull();
            return v is not null;
        });
        if (o is null || v is null) return;
        if (o.Value.ExpireAt != 0 || o.Value.Persist)
        {
            db.TryFind(key, out var table, out int slot);
            if (o.Value.ExpireAt != 0 && o.Value.ExpireAt <= c.NowMs && !c.Server.Keyspace.Loading)
            {
                db.Delete(key);
                db.Notify(K.Generic, "del", key);
                Durability.EffectRecorder.Replace(c, "DEL"u8.ToArray(), key.ToArray());
            }
            else if (o.Value.Persist)
            {
                if (table.Slot(slot).ExpireAt != 0)
                {
                    db.SetExpire(table, slot, 0);
                    db.Notify(K.Generic, "persist", key);
                }
            }
            else
            {
                db.SetExpire(table, slot, o.Value.ExpireAt);
                db.Notify(K.Generic, "expire", key);
            }
        }
        c.Reply.WriteBulk(v);
    }

    private static void GetDel(CommandContext c)
    {
        var db = c.Db;
        if (!StringValues.TryRead(c, db, c.Arg(1), out var v, out bool found)) return;
        if (!found)
        {
            c.Reply.WriteNull();
            return;
        }
        c.Reply.WriteBulk(v); // before the delete frees the record it reads
        db.Delete(c.Arg(1));
        db.Notify(K.Generic, "del", c.Arg(1));
    }

    private static void GetSet(CommandContext c)
    {
        var db = c.Db;
        if (!StringValues.TryRead(c, db, c.Arg(1), out var v, out bool found)) return;
        if (!found) c.Reply.WriteNull();
        else c.Reply.WriteBulk(v); // before the write reuses the record it reads
        db.SetString(c.Arg(1), c.Arg(2));
        db.Notify(K.String, "set", c.Arg(1));
    }

    private static void MGet(CommandContext c)
    {
        var db = c.Db;
        c.Reply.WriteArrayHeader(c.ArgCount - 1);
        for (int i = 1; i < c.ArgCount; i++)
        {
            if (db.TryFindCounted(c.Arg(i), out var table, out int slot) && table.TryGetString(slot, out var v)) c.Reply.WriteBulk(v);
            else c.Reply.WriteNull();
        }
    }

    private static void MSet(CommandContext c, bool nx)
    {
        if (c.ArgCount % 2 == 0)
        {
            c.Error(Errors.WrongArgs(c.Command.FullName));
            return;
        }
        var db = c.Db;
        if (nx)
        {
            for (int i = 1; i < c.ArgCount; i += 2)
            {
                if (db.Exists(c.Arg(i)))
                {
                    c.Reply.WriteInteger(0);
                    return;
                }
            }
        }
        for (int i = 1; i < c.ArgCount; i += 2)
        {
            db.SetString(c.Arg(i), c.Arg(i + 1));
            db.Notify(K.String, "set", c.Arg(i));
        }
        if (nx) c.Reply.WriteInteger(1);
        else c.Reply.WriteOk();
    }

    private static void Append(CommandContext c)
    {
        var db = c.Db;
        var key = c.Arg(1);
        if (!StringValues.TryGetLength(c, db, key, out long length)) return;
        var add = c.Arg(2);
        if (length < 0)
        {
            db.SetString(key, add);
            db.Notify(K.String, "append", key);
            c.Reply.WriteInteger(add.Length);
            return;
        }
        if (!StringValues.CheckLength(c, length, add.Length)) return;
        var g = StringValues.Growable(db, key);
        g.Append(add); // amortised: spare capacity grows geometrically
        db.TryFind(key, out var table, out int slot);
        db.Replace(table, slot, g, EntryFlags.RawString);
        db.Notify(K.String, "append", key);
        c.Reply.WriteInteger(g.Length);
    }

    private static void StrLen(CommandContext c)
    {
        if (!StringValues.TryRead(c, c.Db, c.Arg(1), out var v, out _)) return;
        c.Reply.WriteInteger(v.Length);
    }

    private static void GetRange(CommandContext c)
    {
        if (!c.TryArgLong(2, out long start) || !c.TryArgLong(3, out long end)) return;
        if (!StringValues.TryRead(c, c.Db, c.Arg(1), out var v, out bool found)) return;
        if (!found)
        {
            c.Reply.WriteBulk(ReadOnlySpan<byte>.Empty);
            return;
        }
        long len = v.Length;
        if (start < 0 && end < 0 && start > end)
        {
            c.Reply.WriteBulk(ReadOnlySpan<byte>.Empty);
            return;
        }
        if (start < 0) start = len + start;
        if (end < 0) end = len + end;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= len) end = len - 1;
        if (start > end || len == 0) c.Reply.WriteBulk(ReadOnlySpan<byte>.Empty);
        else c.Reply.WriteBulk(v.Slice((int)start, (int)(end - start + 1)));
    }

    private static void SetRange(CommandContext c)
    {
        if (!c.TryArgLong(2, out long offset)) return;
        if (offset < 0)
        {
            c.Error("ERR offset is out of range");
            return;
        }
        var db = c.Db;
        var key = c.Arg(1);
        var value = c.Arg(3);
        if (!StringValues.TryGetLength(c, db, key, out long length)) return;
        if (length < 0)
        {
            if (value.Length == 0)
            {
                c.Reply.WriteInteger(0);
                return;
            }
            if (!StringValues.CheckLength(c, offset, value.Length)) return;
            var created = new byte[offset + value.Length];
            value.CopyTo(created.AsSpan((int)offset));
            db.Set(key, created, flags: EntryFlags.RawString);
            db.Notify(K.String, "setrange", key);
            c.Reply.WriteInteger(created.Length);
            return;
        }
        if (value.Length == 0)
        {
            c.Reply.WriteInteger(length);
            return;
        }
        if (!StringValues.CheckLength(c, offset, value.Length)) return;
        var g = StringValues.Growable(db, key);
        g.EnsureLength((int)Math.Max(g.Length, offset + value.Length)); // in place, or amortised growth
        value.CopyTo(g.Buffer.AsSpan((int)offset));
        db.TryFind(key, out var table, out int slot);
        db.Replace(table, slot, g, EntryFlags.RawString);
        db.Notify(K.String, "setrange", key);
        c.Reply.WriteInteger(g.Length);
    }

    private static void IncrBy(CommandContext c, long by)
    {
        var db = c.Db;
        var key = c.Arg(1);
        if (!StringValues.TryRead(c, db, key, out var v, out bool found, countHits: false)) return;
        long current = 0;
        if (found && !RespNumber.TryParseInt64(v, out current))
        {
            c.Error(Errors.NotInteger);
            return;
        }
        if ((by < 0 && current < 0 && by < long.MinValue - current) || (by > 0 && current > 0 && by > long.MaxValue - current))
        {
            c.Error(Errors.Overflow);
            return;
        }
        long result = current + by;
        Span<byte> tmp = stackalloc byte[24];
        var bytes = tmp[..RespNumber.FormatInt64(result, tmp)];
        if (!found) db.SetString(key, bytes);
        else
        {
            db.TryFind(key, out var table, out int slot);
            db.ReplaceString(table, slot, bytes, 0);
        }
        db.Notify(K.String, "incrby", key);
        c.Reply.WriteInteger(result);
    }

    private static void IncrByFloat(CommandContext c)
    {
        var db = c.Db;
        var key = c.Arg(1);
        if (!StringValues.TryGet(c, db, key, out var v, countHits: false)) return;
        if (!Numbers.TryParseLongDouble(c.Arg(2), out _))
        {
            c.Error(Errors.NotFloat);
            return;
        }
        if (!Numbers.TryAddFloat(v ?? "0"u8.ToArray(), c.Arg(2), out var result, out var error))
        {
            c.Error(error!);
            return;
        }
        if (v is null) db.Set(key, result, flags: EntryFlags.NoIntEncoding);
        else
        {
            db.TryFind(key, out var table, out int slot);
            db.ReplaceString(table, slot, result, EntryFlags.NoIntEncoding);
        }
        db.Notify(K.String, "incrbyfloat", key);
        c.Reply.WriteBulk(result);
    }
}
