using System.Globalization;
using System.Text;
using Arrakis.Server.Text;

namespace Arrakis.Server.Commands;

/// <summary>
/// SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]. The cursor is (stripe &lt;&lt; 32 | slot): slots
/// keep their index while their key lives, so every key present for the whole scan is returned
/// exactly once, however the tables grow.
/// </summary>
internal static class Scan
{
    public static void Execute(CommandContext c)
    {
        if (!ulong.TryParse(Encoding.ASCII.GetString(c.Arg(1)), NumberStyles.None, CultureInfo.InvariantCulture, out ulong cursor))
        {
            c.Error("ERR invalid cursor");
            return;
        }
        byte[]? pattern = null;
        string? type = null;
        long count = 10;
        for (int j = 2; j < c.ArgCount; j += 2)
        {
            if (j + 1 >= c.ArgCount)
            {
                c.SyntaxError();
                return;
            }
            if (c.ArgIs(j, "COUNT"))
            {
                if (!c.TryArgLong(j + 1, out count)) return;
                if (count < 1)
                {
                    c.SyntaxError();
                    return;
                }
            }
            else if (c.ArgIs(j, "MATCH")) pattern = c.ArgBytes(j + 1);
            else if (c.ArgIs(j, "TYPE")) type = c.ArgString(j + 1).ToLowerInvariant();
            else
            {
                c.SyntaxError();
                return;
            }
        }
        bool matchAll = pattern is [(byte)'*'];
        var ks = c.Server.Keyspace;
        int db = c.Session.Db;
        int stripe = (int)(cursor >> 32);
        int slot = (int)(cursor & 0xFFFFFFFF);
        var found = new List<byte[]>();
        long visited = 0;
        while (stripe < Keyspace.Keyspace.StripeCount && visited < count)
        {
            var s = ks[stripe];
            lock (s.Gate)
            {
                var t = s.Tables[db];
                int slots = t?.SlotCount ?? 0;
                for (; slot < slots && visited < count; slot++)
                {
                    ref var e = ref t!.Slot(slot);
                    if (e.Key is null) continue;
                    visited++;
                    if (e.ExpireAt != 0 && e.ExpireAt <= c.NowMs) continue;
                    if (pattern is not null && !matchAll && !Glob.Match(pattern, e.Key)) continue;
                    if (type is not null && KeyCommands.TypeName(e.Value!) != type) continue;
                    found.Add(e.Key);
                }
                if (slot >= slots)
                {
                    stripe++;
                    slot = 0;
                }
            }
        }
        ulong next = stripe >= Keyspace.Keyspace.StripeCount ? 0 : ((ulong)stripe << 32) | (uint)slot;
        c.Reply.WriteArrayHeader(2);
        c.Reply.WriteBulk(next.ToString(CultureInfo.InvariantCulture));
        c.Reply.WriteArrayHeader(found.Count);
        foreach (var k in found) c.Reply.WriteBulk(k);
    }
}
