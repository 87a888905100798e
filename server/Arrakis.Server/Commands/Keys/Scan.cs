using System.Globalization;
using System.Text;
using Arrakis.Server.Text;

namespace Arrakis.Server.Commands.Keys;

/// <summary>
/// SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]. The cursor is (stripe &lt;&lt; 32 | slot): slots
/// keep their index while their key lives, so every key present for the whole scan is returned
/// exactly once, however the tables grow.
/// </summary>
internal static class Scan
{
    public static void Execute(CommandContext c)
    {
        var o = ScanOptions.Parse(c, 1, allowType: true);
        if (o is null) return;
        var (cursor, pattern, count, type) = (o.Cursor, o.Pattern, o.Count, o.Type);
        var ks = c.Server.Keyspace;
        int db = c.Session.Db;
        // Any 64-bit cursor is valid (Redis: a cursor it never returned still answers a page); one past
        // the last stripe, or a slot beyond a table, simply ends the scan.
        ulong high = cursor >> 32;
        int stripe = high >= Keyspace.Keyspace.StripeCount ? Keyspace.Keyspace.StripeCount : (int)high;
        int slot = (int)Math.Min(cursor & 0xFFFFFFFF, int.MaxValue);
        var found = new List<byte[]>();
        long visited = 0;
        while (stripe < Keyspace.Keyspace.StripeCount && visited < count)
        {
            var s = ks[stripe];
            using (ks.Hold(s))
            {
                var t = s.Tables[db];
                int slots = t?.SlotCount ?? 0;
                for (; slot < slots && visited < count; slot++)
                {
                    ref var e = ref t!.Slot(slot);
                    if (e.Record == 0) continue;
                    visited++;
                    if (e.ExpireAt != 0 && e.ExpireAt <= c.NowMs) continue;
                    if (pattern is not null && !Glob.Match(pattern, t.KeyAt(slot))) continue;
                    if (type is not null && KeyCommands.TypeName(t, slot) != type) continue;
                    found.Add(t.KeyArray(slot));
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
