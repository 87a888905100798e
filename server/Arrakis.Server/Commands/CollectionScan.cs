using System.Globalization;
using System.Text;
using Arrakis.Server.Text;
using Arrakis.Server.Values;

namespace Arrakis.Server.Commands;

/// <summary>
/// HSCAN, SSCAN, ZSCAN key cursor [MATCH p] [COUNT n] [NOVALUES]. Every call returns the whole
/// collection (filtered) with cursor 0, which Redis itself does for its small encodings and which
/// keeps SCAN's guarantee (everything present for the whole scan is returned) trivially; COUNT is a hint.
/// </summary>
internal static class CollectionScan
{
    public enum Kind
    {
        Hash,
        Set,
        SortedSet,
    }

    public static void Execute(CommandContext c, Kind kind)
    {
        if (!ulong.TryParse(Encoding.ASCII.GetString(c.Arg(2)), NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            c.Error("ERR invalid cursor");
            return;
        }
        byte[]? pattern = null;
        for (int j = 3; j < c.ArgCount; j += 2)
        {
            if (j + 1 >= c.ArgCount)
            {
                c.SyntaxError();
                return;
            }
            if (c.ArgIs(j, "COUNT"))
            {
                if (!c.TryArgLong(j + 1, out long count)) return;
                if (count < 1)
                {
                    c.SyntaxError();
                    return;
                }
            }
            else if (c.ArgIs(j, "MATCH")) pattern = c.ArgBytes(j + 1);
            else
            {
                c.SyntaxError();
                return;
            }
        }
        var db = c.Db;
        var items = new List<(byte[] Element, byte[]? Value)>();
        switch (kind)
        {
            case Kind.Hash:
                if (!CollectionValues.TryGet<HashValue>(c, db, c.Arg(1), out var hash)) return;
                if (hash is not null) items.AddRange(hash.Entries.Select(e => (e.Key, (byte[]?)e.Value)));
                break;
            case Kind.Set:
                if (!CollectionValues.TryGet<SetValue>(c, db, c.Arg(1), out var set)) return;
                if (set is not null) items.AddRange(set.Members.Select(m => (m, (byte[]?)null)));
                break;
            default:
                if (!CollectionValues.TryGet<SortedSetValue>(c, db, c.Arg(1), out var zset)) return;
                if (zset is not null) items.AddRange(zset.Ascending().Select(e => (e.Member, (byte[]?)Encoding.ASCII.GetBytes(Scores.Format(e.Score)))));
                break;
        }
        if (pattern is not null && !(pattern is [(byte)'*'])) items.RemoveAll(i => !Glob.Match(pattern, i.Element));
        c.Reply.WriteArrayHeader(2);
        c.Reply.WriteBulk("0"u8);
        c.Reply.WriteArrayHeader(items.Count * (kind == Kind.Set ? 1 : 2));
        foreach (var (e, v) in items)
        {
            c.Reply.WriteBulk(e);
            if (v is not null) c.Reply.WriteBulk(v);
        }
    }
}
