using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;
using Arrakis.Protocol;
using Arrakis.Server.Keyspace;
using Arrakis.Server.Text;

namespace Arrakis.Server.Commands.Keys;

/// <summary>DEL, UNLINK, EXISTS, TYPE, KEYS, SCAN, RANDOMKEY, RENAME, RENAMENX, COPY, MOVE, TOUCH, OBJECT.</summary>
internal static class KeyCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["del"] = Del;
        h["unlink"] = Del;
        h["exists"] = c => c.Reply.WriteInteger(CountExisting(c));
        h["touch"] = c => c.Reply.WriteInteger(CountExisting(c));
        h["type"] = Type;
        h["keys"] = Keys;
        h["scan"] = Scan.Execute;
        h["randomkey"] = RandomKey;
        h["rename"] = c => Rename(c, nx: false);
        h["renamenx"] = c => Rename(c, nx: true);
        h["copy"] = Copy;
        h["move"] = Move;
        h["object|encoding"] = c => ObjectInfo(c, 'e');
        h["object|idletime"] = c => ObjectInfo(c, 'i');
        h["object|freq"] = c => ObjectInfo(c, 'f');
        h["object|refcount"] = c => ObjectInfo(c, 'r');
    }

    /// <summary>Redis's type name of a stored value.</summary>
    public static string TypeName(object value) => value switch
    {
        byte[] or GrowableString => "string",
        ListValue => "list",
        HashValue => "hash",
        SetValue => "set",
        SortedSetValue => "zset",
        StreamValue => "stream",
        _ => "none",
    };

    /// <summary>TYPE of a live slot (a string without copying it).</summary>
    public static string TypeName(KeyTable table, int slot) =>
        table.IsString(slot) ? "string" : table.PackedKind(slot) switch
        {
            KeyTable.PackedHash => "hash",
            KeyTable.PackedZSet => "zset",
            _ => TypeName(table.ObjectAt(slot)!),
        };

    private static void Del(CommandContext c)
    {
        var db = c.Db;
        long n = 0;
        for (int i = 1; i < c.ArgCount; i++)
        {
            if (db.Delete(c.Arg(i)))
            {
                n++;
                db.Notify(K.Generic, "del", c.Arg(i));
            }
        }
        c.Reply.WriteInteger(n);
    }

    private static long CountExisting(CommandContext c)
    {
        var db = c.Db;
        long n = 0;
        for (int i = 1; i < c.ArgCount; i++)
        {
            if (db.Exists(c.Arg(i))) n++;
        }
        return n;
    }

    private static void Type(CommandContext c)
    {
        var db = c.Db;
        if (db.TryFind(c.Arg(1), out var table, out int slot, touch: false)) c.Reply.WriteSimpleString(TypeName(table, slot));
        else c.Reply.WriteSimpleString("none"u8);
    }

    private static void Keys(CommandContext c)
    {
        var pattern = c.Arg(1);
        bool all = pattern.Length == 1 && pattern[0] == '*';
        var found = new List<byte[]>();
        var ks = c.Server.Keyspace;
        int db = c.Session.Db;
        ks.LockAll();
        try
        {
            for (int s = 0; s < Keyspace.Keyspace.StripeCount; s++)
            {
                var t = ks[s].Tables[db];
                if (t is null) continue;
                for (int i = 0; i < t.SlotCount; i++)
                {
                    ref var e = ref t.Slot(i);
                    if (e.Record == 0 || (e.ExpireAt != 0 && e.ExpireAt <= c.NowMs)) continue;
                    if (all || Glob.Match(pattern, t.KeyAt(i))) found.Add(t.KeyArray(i));
                }
            }
        }
        finally
        {
            ks.UnlockAll();
        }
        c.Reply.WriteArrayHeader(found.Count);
        foreach (var k in found) c.Reply.WriteBulk(k);
    }

    private static void RandomKey(CommandContext c)
    {
        var ks = c.Server.Keyspace;
        int db = c.Session.Db;
        int start = Random.Shared.Next(Keyspace.Keyspace.StripeCount);
        for (int n = 0; n < Keyspace.Keyspace.StripeCount; n++)
        {
            var stripe = ks[(start + n) % Keyspace.Keyspace.StripeCount];
            using (ks.Hold(stripe))
            {
                var t = stripe.Tables[db];
                if (t is null || t.Count == 0) continue;
                int slots = t.SlotCount, first = Random.Shared.Next(slots);
                for (int k = 0; k < slots; k++)
                {
                    ref var e = ref t.Slot((first + k) % slots);
                    if (e.Record == 0 || (e.ExpireAt != 0 && e.ExpireAt <= c.NowMs)) continue;
                    c.Reply.WriteBulk(t.KeyAt((first + k) % slots));
                    return;
                }
            }
        }
        c.Reply.WriteNull();
    }

    private static void Rename(CommandContext c, bool nx)
    {
        var db = c.Db;
        var src = c.Arg(1);
        var dst = c.Arg(2);
        if (!db.TryFind(src, out var table, out int slot))
        {
            c.Error(Errors.NoSuchKey);
            return;
        }
        if (src.SequenceEqual(dst))
        {
            if (nx) c.Reply.WriteInteger(0);
            else c.Reply.WriteOk();
            return;
        }
        ref var e = ref table.Slot(slot);
        object value = table.ValueObject(slot);
        long expireAt = e.ExpireAt;
        byte flags = e.Flags;
        if (nx && db.Exists(dst))
        {
            c.Reply.WriteInteger(0);
            return;
        }
        db.Delete(src);
        db.Set(dst, value, expireAt, flags: flags); // the destination's "new" event comes first, as in Redis
        db.Notify(K.Generic, "rename_from", src);
        db.Notify(K.Generic, "rename_to", dst);
        if (nx) c.Reply.WriteInteger(1);
        else c.Reply.WriteOk();
    }

    private static void Copy(CommandContext c)
    {
        int targetDb = c.Session.Db;
        bool replace = false;
        for (int j = 3; j < c.ArgCount; j++)
        {
            if (c.ArgIs(j, "REPLACE")) replace = true;
            else if (c.ArgIs(j, "DB") && j + 1 < c.ArgCount)
            {
                if (!c.TryArgLong(j + 1, out long d)) return;
                if (d < 0 || d >= c.Server.Keyspace.Databases || d > int.MaxValue)
                {
                    c.Error(Errors.DbIndexOutOfRange);
                    return;
                }
                targetDb = (int)d;
                j++;
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        var src = c.Arg(1);
        var dst = c.Arg(2);
        if (targetDb == c.Session.Db && src.SequenceEqual(dst))
        {
            c.Error("ERR source and destination objects are the same");
            return;
        }
        var db = c.Db;
        if (!db.TryFind(src, out var table, out int slot))
        {
            c.Reply.WriteInteger(0);
            return;
        }
        ref var e = ref table.Slot(slot);
        var target = c.DbAt(targetDb);
        if (target.Exists(dst) && !replace)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        target.Set(dst, ValueKinds.Clone(table.ValueObject(slot)), e.ExpireAt, flags: (byte)(e.Flags | EntryFlags.Unshared));
        target.Notify(K.Generic, "copy_to", dst);
        c.Reply.WriteInteger(1);
    }

    private static void Move(CommandContext c)
    {
        if (!c.TryArgLong(2, out long d)) return;
        if (d < 0 || d >= c.Server.Keyspace.Databases)
        {
            c.Error(Errors.DbIndexOutOfRange);
            return;
        }
        if (d == c.Session.Db)
        {
            c.Error("ERR source and destination objects are the same");
            return;
        }
        var db = c.Db;
        var key = c.Arg(1);
        if (!db.TryFind(key, out var table, out int slot))
        {
            c.Reply.WriteInteger(0);
            return;
        }
        var target = c.DbAt((int)d);
        if (target.Exists(key))
        {
            c.Reply.WriteInteger(0);
            return;
        }
        ref var e = ref table.Slot(slot);
        target.Set(key, table.ValueObject(slot), e.ExpireAt, flags: e.Flags);
        db.Delete(key);
        db.Notify(K.Generic, "move_from", key);
        target.Notify(K.Generic, "move_to", key);
        c.Reply.WriteInteger(1);
    }

    private static void ObjectInfo(CommandContext c, char what)
    {
        var db = c.Db;
        if (!db.TryFind(c.Arg(2), out var table, out int slot, touch: false))
        {
            c.Reply.WriteNull();
            return;
        }
        ref var e = ref table.Slot(slot);
        switch (what)
        {
            case 'e':
                c.Reply.WriteBulk(ValueKinds.Encoding(table.ValueObject(slot), e.Flags));
                break;
            case 'i':
                c.Reply.WriteInteger(e.IdleSeconds(Runtime.ServerClock.Seconds));
                break;
            case 'f':
                c.Error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
                break;
            default:
                c.Reply.WriteInteger(StringValues.IsShared(table.ValueObject(slot), e.Flags) ? int.MaxValue : 1);
                break;
        }
    }
}
