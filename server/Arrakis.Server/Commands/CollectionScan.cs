using System.Globalization;
using System.Text;
using Arrakis.Server.Text;

namespace Arrakis.Server.Commands;

/// <summary>
/// HSCAN, SSCAN, ZSCAN key cursor [MATCH p] [COUNT n]. Small encodings (listpack, intset) and sorted
/// sets answer whole with cursor 0, as Redis does for small encodings. Big hashes and sets page
/// through their member list from the end: the cursor is how many slots remain, and since removal
/// only moves the (already visited) last member into the hole, everything present for the whole
/// scan is returned, which is SCAN's guarantee.
/// </summary>
internal static class CollectionScan
{
    /// <summary>Visits up to <paramref name="count"/> slots downward from the cursor (0 = start at the end);
    /// returns the next cursor, 0 when done.</summary>
    private static ulong Page(int size, ulong cursor, long count, Action<int> visit)
    {
        long position = cursor == 0 || cursor > (ulong)size ? size : (long)cursor;
        long stop = Math.Max(0, position - Math.Max(count, 1));
        for (long i = position - 1; i >= stop; i--) visit((int)i);
        return (ulong)stop;
    }

    public enum Kind
    {
        Hash,
        Set,
        SortedSet,
    }

    public static void Execute(CommandContext c, Kind kind)
    {
        // Redis: the cursor, then the key (an empty scan when missing, WRONGTYPE), then the options.
        if (!ScanOptions.TryParseCursor(c.Arg(2), out _))
        {
            c.Error("ERR invalid cursor");
            return;
        }
        var db = c.Db;
        object? value = null;
        bool typeOk;
        switch (kind)
        {
            case Kind.Hash:
                typeOk = CollectionValues.TryGet<HashValue>(c, db, c.Arg(1), out var h);
                value = h;
                break;
            case Kind.Set:
                typeOk = CollectionValues.TryGet<SetValue>(c, db, c.Arg(1), out var st);
                value = st;
                break;
            default:
                typeOk = CollectionValues.TryGet<SortedSetValue>(c, db, c.Arg(1), out var z);
                value = z;
                break;
        }
        if (!typeOk) return;
        if (value is null)
        {
            c.Reply.WriteArrayHeader(2);
            c.Reply.WriteBulk("0"u8);
            c.Reply.WriteArrayHeader(0);
            return;
        }
        var o = ScanOptions.Parse(c, 2, allowType: false);
        if (o is null) return;
        var (cursor, pattern, count) = (o.Cursor, o.Pattern, o.Count);
        var items = new List<(byte[] Element, byte[]? Value)>();
        ulong next = 0;
        switch (value)
        {
            case HashValue hash:
                if (hash.IsListpack) items.AddRange(hash.Entries.Select(e => (e.Key, (byte[]?)e.Value)));
                else next = Page(hash.Count, cursor, count, i => { var e = hash.EntryAt(i); items.Add((e.Key, e.Value)); });
                break;
            case SetValue set:
                if (set.IsIntset) items.AddRange(set.Members.Select(m => (m, (byte[]?)null)));
                else next = Page(set.Count, cursor, count, i => items.Add((set.MemberAt(i), null)));
                break;
            case SortedSetValue zset:
                items.AddRange(zset.Ascending().Select(e => (e.Member, (byte[]?)Encoding.ASCII.GetBytes(Scores.Format(e.Score)))));
                break;
        }
        if (pattern is not null) items.RemoveAll(i => !Glob.Match(pattern, i.Element));
        c.Reply.WriteArrayHeader(2);
        c.Reply.WriteBulk(next.ToString(CultureInfo.InvariantCulture));
        c.Reply.WriteArrayHeader(items.Count * (kind == Kind.Set ? 1 : 2));
        foreach (var (e, v) in items)
        {
            c.Reply.WriteBulk(e);
            if (v is not null) c.Reply.WriteBulk(v);
        }
    }
}
