using Arrakis.Persistence.Rdb;
using Arrakis.Server.Durability;
using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;

namespace Arrakis.Server.Commands.Keys;

/// <summary>
/// DUMP and RESTORE with Redis's payload (the RDB value encoding, RDB version, CRC-64): a DUMP from
/// redis-server restores here and ours restores there. RESTORE checks in Redis 7.0's order: options,
/// BUSYKEY, TTL, version and checksum, then the value itself ("Bad data format").
/// </summary>
internal static class DumpCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["dump"] = Dump;
        h["restore"] = Restore;
    }

    private static void Dump(CommandContext c)
    {
        var value = c.Db.Get(c.Arg(1));
        if (value is null)
        {
            c.Reply.WriteNull();
            return;
        }
        c.Reply.WriteBulk(RdbPayload.Encode(RdbValues.ToRdb(value)));
    }

    private static void Restore(CommandContext c)
    {
        bool replace = false, absTtl = false;
        long idle = -1, freq = -1;
        for (int j = 4; j < c.ArgCount; j++)
        {
            bool more = j + 1 < c.ArgCount;
            if (c.ArgIs(j, "REPLACE")) replace = true;
            else if (c.ArgIs(j, "ABSTTL")) absTtl = true;
            else if (c.ArgIs(j, "IDLETIME") && more && freq == -1) // IDLETIME and FREQ exclude each other, as in Redis
            {
                if (!c.TryArgLong(++j, out idle)) return;
                if (idle < 0)
                {
                    c.Error("ERR Invalid IDLETIME value, must be >= 0");
                    return;
                }
            }
            else if (c.ArgIs(j, "FREQ") && more && idle == -1)
            {
                if (!c.TryArgLong(++j, out freq)) return;
                if (freq is < 0 or > 255)
                {
                    c.Error("ERR Invalid FREQ value, must be >= 0 and <= 255");
                    return;
                }
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        var db = c.Db;
        var key = c.Arg(1);
        if (!replace && db.Peek(key) is not null)
        {
            c.Error("BUSYKEY Target key name already exists.");
            return;
        }
        if (!c.TryArgLong(2, out long ttl)) return;
        if (ttl < 0)
        {
            c.Error("ERR Invalid TTL value, must be >= 0");
            return;
        }
        var status = RdbPayload.TryDecode(c.Arg(3), out var rdb, out _);
        if (status is RdbReadStatus.Truncated or RdbReadStatus.BadVersion or RdbReadStatus.BadChecksum)
        {
            c.Error("ERR DUMP payload version or checksum are wrong");
            return;
        }
        object? value = status == RdbReadStatus.Ok ? RdbValues.FromRdb(rdb!, out _) : null;
        if (value is null)
        {
            c.Error("ERR Bad data format");
            return;
        }
        bool deleted = replace && db.Delete(key);
        // Redis adds the time with a wrapping signed add: a relative ttl that overflows is a deadline in the past.
        if (ttl > 0 && !absTtl) ttl = ttl > long.MaxValue - c.NowMs ? long.MinValue : ttl + c.NowMs;
        if (ttl != 0 && ttl <= c.NowMs && !c.Server.Keyspace.Loading)
        {
            // Already expired: nothing is created; a replaced key is gone (logged as DEL, as Redis propagates it).
            if (deleted)
            {
                db.Notify(K.Generic, "del", key);
                EffectRecorder.Replace(c, "DEL"u8.ToArray(), key.ToArray());
            }
            c.Reply.WriteOk();
            return;
        }
        db.Set(key, value, expireAt: ttl);
        if (idle >= 0 && db.TryFind(key, out var table, out int slot, touch: false))
            table.Slot(slot).LastAccess = (uint)(Runtime.ServerClock.Seconds - Math.Min(idle, 0xFFFFFFL)) & 0xFFFFFF; // Redis's 24-bit clock
        db.Notify(K.Generic, "restore", key);
        c.Reply.WriteOk();
    }
}
