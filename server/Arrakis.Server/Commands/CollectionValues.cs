using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;
using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Commands;

/// <summary>Typed lookups for collection keys: the value, null when missing, WRONGTYPE replied when another type.</summary>
internal static class CollectionValues
{
    /// <summary>Looks up a key of type <typeparamref name="T"/>; false after replying WRONGTYPE.</summary>
    public static bool TryGet<T>(CommandContext c, in Db db, ReadOnlySpan<byte> key, out T? value, bool countHits = true) where T : class
    {
        object? o = db.View(key, countHits);
        if (o is null or T)
        {
            value = (T?)o;
            return true;
        }
        value = null;
        c.WrongType();
        return false;
    }

    /// <summary>Looks up or creates a collection for a write; null after replying WRONGTYPE.</summary>
    public static T? GetOrCreate<T>(CommandContext c, in Db db, ReadOnlySpan<byte> key) where T : class, new()
    {
        if (!TryGet<T>(c, db, key, out var value, countHits: false)) return null;
        if (value is not null) return value;
        value = new T();
        db.Set(key, value);
        return value;
    }

    /// <summary>After a write: deletes the key when the collection became empty (Redis never keeps empty collections).</summary>
    public static void DeleteIfEmpty(in Db db, ReadOnlySpan<byte> key, int count)
    {
        if (count == 0 && db.Delete(key)) db.Notify(K.Generic, "del", key);
    }

    /// <summary>SREM / ZREM / HDEL key member...: removes what is there, notifies once, deletes an emptied key.</summary>
    public static void RemoveMembers<T>(CommandContext c, KeyspaceEvents.Kind kind, string eventName) where T : class, IMemberCollection
    {
        var db = c.Db;
        var key = c.Arg(1);
        if (!TryGet<T>(c, db, key, out var collection, countHits: false)) return;
        long removed = 0;
        if (collection is not null)
        {
            for (int i = 2; i < c.ArgCount; i++)
            {
                if (collection.Remove(c.Arg(i))) removed++;
            }
            if (removed > 0)
            {
                db.Modified(key, kind, eventName);
                DeleteIfEmpty(db, key, collection.Count);
            }
        }
        c.Reply.WriteInteger(removed);
    }

    /// <summary>The optional COUNT of LPOP/RPOP/SPOP/ZPOPMIN: a non-negative integer, else Redis's error.</summary>
    public static bool TryCount(CommandContext c, int index, out long count)
    {
        if (Protocol.RespNumber.TryParseInt64(c.Arg(index), out count) && count >= 0) return true;
        c.Error(Errors.OutOfRange);
        return false;
    }

    /// <summary>Redis's index normalisation for LRANGE/ZRANGE-style [start, stop] (inclusive) over <paramref name="length"/>.</summary>
    public static bool TryRange(long start, long stop, long length, out long from, out long to)
    {
        if (start < 0) start = length + start;
        if (stop < 0) stop = length + stop;
        if (start < 0) start = 0;
        from = start;
        to = stop >= length ? length - 1 : stop;
        return !(start > stop || start >= length);
    }
}
