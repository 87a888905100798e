using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;
using Arrakis.Protocol;
using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Commands.Strings;

/// <summary>SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP (BITFIELD lives in <see cref="BitField"/>).</summary>
internal static class BitCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["setbit"] = SetBit;
        h["getbit"] = GetBit;
        h["bitcount"] = BitCount;
        h["bitpos"] = BitPos;
        h["bitop"] = BitOp;
        h["bitfield"] = c => BitField.Execute(c, readOnly: false);
        h["bitfield_ro"] = c => BitField.Execute(c, readOnly: true);
    }

    /// <summary>Redis's getBitOffsetFromArgument: a non-negative bit offset below proto-max-bulk-len * 8; "#n" multiplies by <paramref name="bits"/>.</summary>
    public static bool TryBitOffset(CommandContext c, int arg, bool hashAllowed, int bits, out long offset)
    {
        var s = c.Arg(arg);
        bool usehash = hashAllowed && s.Length > 1 && s[0] == '#';
        offset = 0;
        if (!RespNumber.TryParseInt64(usehash ? s[1..] : s, out long v) || (usehash && v > long.MaxValue / bits))
        {
            c.Error(Errors.BitOffset);
            return false;
        }
        if (usehash) v *= bits;
        if (v < 0 || (v >> 3) >= c.Server.Options.ProtoMaxBulkLen)
        {
            c.Error(Errors.BitOffset);
            return false;
        }
        offset = v;
        return true;
    }

    /// <summary>Looks up a string for a bit write, growing it to hold bit <paramref name="maxBit"/>; null after WRONGTYPE.</summary>
    public static byte[]? StringForWrite(CommandContext c, in Db db, ReadOnlySpan<byte> key, long maxBit, out bool created) =>
        StringForWrite(c, db, key, maxBit, out created, out _, markModified: true);

    /// <summary>As above; with <paramref name="markModified"/> false an existing string that did not grow is
    /// left unmarked (SETBIT that does not change the bit modifies nothing, as in Redis).</summary>
    public static byte[]? StringForWrite(CommandContext c, in Db db, ReadOnlySpan<byte> key, long maxBit, out bool created, out bool grown, bool markModified)
    {
        grown = false;
        created = false;
        if (!StringValues.TryGetLength(c, db, key, out long length)) return null;
        long bytes = (maxBit >> 3) + 1;
        if (length < 0)
        {
            var v = new byte[bytes];
            db.SetObject(key, v, flags: EntryFlags.RawString);
            created = true;
            return v;
        }
        var g = StringValues.Growable(db, key);
        grown = bytes > g.Length;
        g.EnsureLength((int)Math.Max(g.Length, bytes)); // in place, or amortised growth
        db.TryFind(key, out var table, out int slot);
        if (markModified || grown) db.Replace(table, slot, g, EntryFlags.RawString);
        else table.Slot(slot).Flags = EntryFlags.RawString; // unshared and raw, as Redis's dbUnshareStringValue leaves it
        return g.Buffer; // bytes past the value's length are zero, as reads past its end are
    }

    private static void SetBit(CommandContext c)
    {
        if (!TryBitOffset(c, 2, false, 0, out long offset)) return;
        if (!RespNumber.TryParseInt64(c.Arg(3), out long on) || (on & ~1L) != 0)
        {
            c.Error(Errors.BitValue);
            return;
        }
        var db = c.Db;
        var v = StringForWrite(c, db, c.Arg(1), offset, out bool created, out bool grown, markModified: false);
        if (v is null) return;
        int index = (int)(offset >> 3), bit = 7 - (int)(offset & 7);
        int old = (v[index] >> bit) & 1;
        v[index] = (byte)((v[index] & ~(1 << bit)) | ((int)on << bit));
        // Redis: only a new key, a longer string or a changed bit counts as a modification (WATCH, events, dirty).
        if (created || grown || old != on)
        {
            if (!created && !grown)
            {
                db.TryFind(c.Arg(1), out var table, out int slot);
                db.Replace(table, slot, table.ObjectAt(slot)!, EntryFlags.RawString);
            }
            db.Notify(K.String, "setbit", c.Arg(1));
        }
        c.Reply.WriteInteger(old);
    }

    private static void GetBit(CommandContext c)
    {
        if (!TryBitOffset(c, 2, false, 0, out long offset)) return;
        if (!StringValues.TryGet(c, c.Db, c.Arg(1), out var v)) return;
        long index = offset >> 3;
        c.Reply.WriteInteger(v is null || index >= v.Length ? 0 : (v[index] >> (7 - (int)(offset & 7))) & 1);
    }

    private static void BitCount(CommandContext c)
    {
        // Redis 7.0: the key first (0 when missing, WRONGTYPE), then the range and its unit.
        if (!StringValues.TryGet(c, c.Db, c.Arg(1), out var v)) return;
        if (v is null)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        long start = 0, end = 0;
        bool isBit = false, ranged = false;
        if (c.ArgCount is 4 or 5)
        {
            if (!c.TryArgLong(2, out start) || !c.TryArgLong(3, out end)) return;
            // Redis 7.0.15 answers an empty negative range before it reads the unit (BITCOUNT k -1 -3 junk is 0).
            if (start < 0 && end < 0 && start > end)
            {
                c.Reply.WriteInteger(0);
                return;
            }
            if (c.ArgCount == 5)
            {
                if (c.ArgIs(4, "BIT")) isBit = true;
                else if (!c.ArgIs(4, "BYTE"))
                {
                    c.SyntaxError();
                    return;
                }
            }
            ranged = true;
        }
        else if (c.ArgCount != 2)
        {
            c.SyntaxError();
            return;
        }
        int firstMask = 0, lastMask = 0;
        if (ranged)
        {
            long total = isBit ? (long)v.Length << 3 : v.Length;
            NormalizeRange(ref start, ref end, total, isBit, out firstMask, out lastMask);
        }
        else
        {
            end = v.Length - 1;
        }
        if (start > end)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        long count = 0;
        for (long i = start; i <= end; i++) count += System.Numerics.BitOperations.PopCount(v[i]);
        if (firstMask != 0) count -= System.Numerics.BitOperations.PopCount((uint)(v[start] & firstMask));
        if (lastMask != 0) count -= System.Numerics.BitOperations.PopCount((uint)(v[end] & lastMask));
        c.Reply.WriteInteger(count);
    }

    /// <summary>
    /// BITCOUNT/BITPOS ranges as Redis normalises them: negative indexes from the end, clamped to
    /// [0, total-1]; BIT ranges become byte ranges plus masks for the partial first and last bytes.
    /// </summary>
    private static void NormalizeRange(ref long start, ref long end, long total, bool isBit, out int firstMask, out int lastMask)
    {
        firstMask = lastMask = 0;
        if (start < 0) start = total + start;
        if (end < 0) end = total + end;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= total) end = total - 1;
        if (isBit && start <= end)
        {
            firstMask = ~((1 << (8 - (int)(start & 7))) - 1) & 0xFF;
            lastMask = (1 << (7 - (int)(end & 7))) - 1;
            start >>= 3;
            end >>= 3;
        }
    }

    /// <summary>Redis's redisBitpos: first bit equal to <paramref name="bit"/>; for 0 and none found, the bit after the range; for 1, -1.</summary>
    private static long FirstBit(ReadOnlySpan<byte> s, int bit)
    {
        for (int i = 0; i < s.Length; i++)
        {
            int b = s[i];
            if (bit == 1 ? b == 0 : b == 0xFF) continue;
            for (int k = 0; k < 8; k++)
            {
                if (((b >> (7 - k)) & 1) == bit) return (long)i * 8 + k;
            }
        }
        return bit == 1 ? -1 : (long)s.Length * 8;
    }

    private static void BitPos(CommandContext c)
    {
        if (!c.TryArgLong(2, out long bit)) return;
        if (bit != 0 && bit != 1)
        {
            c.Error("ERR The bit argument must be 1 or 0.");
            return;
        }
        var db = c.Db;
        if (!StringValues.TryGet(c, db, c.Arg(1), out var v)) return;
        if (v is null)
        {
            c.Reply.WriteInteger(bit == 1 ? -1 : 0);
            return;
        }
        if (c.ArgCount > 6)
        {
            c.SyntaxError();
            return;
        }
        long start = 0, end, total = v.Length;
        bool endGiven = false, isBit = false;
        int firstMask = 0, lastMask = 0;
        if (c.ArgCount >= 4)
        {
            if (!c.TryArgLong(3, out start)) return;
            if (c.ArgCount == 6)
            {
                if (c.ArgIs(5, "BIT")) isBit = true;
                else if (!c.ArgIs(5, "BYTE"))
                {
                    c.SyntaxError();
                    return;
                }
            }
            if (c.ArgCount >= 5)
            {
                if (!c.TryArgLong(4, out end)) return;
                endGiven = true;
            }
            else
            {
                end = isBit ? (total << 3) + 7 : total - 1;
            }
            if (isBit) total <<= 3;
            NormalizeRange(ref start, ref end, total, isBit, out firstMask, out lastMask);
        }
        else
        {
            end = total - 1;
        }
        if (start > end)
        {
            c.Reply.WriteInteger(-1);
            return;
        }
        long bytes = end - start + 1;
        long pos;
        Span<byte> one = stackalloc byte[1];
        if (firstMask != 0)
        {
            int t = bit == 1 ? v[start] & ~firstMask : v[start] | firstMask;
            if (lastMask != 0 && bytes == 1) t = bit == 1 ? t & ~lastMask : t | lastMask;
            one[0] = (byte)t;
            pos = FirstBit(one, (int)bit);
            if (bytes == 1 || (pos != -1 && pos != 8)) goto result;
            start++;
            bytes--;
        }
        long cur = bytes - (lastMask != 0 ? 1 : 0);
        if (cur > 0)
        {
            pos = FirstBit(v.AsSpan((int)start, (int)cur), (int)bit);
            if (bytes == cur || (pos != -1 && pos != cur << 3)) goto result;
            start += cur;
            bytes -= cur;
        }
        one[0] = (byte)(bit == 1 ? v[end] & ~lastMask : v[end] | lastMask);
        pos = FirstBit(one, (int)bit);
    result:
        if (endGiven && bit == 0 && pos == bytes << 3)
        {
            c.Reply.WriteInteger(-1);
            return;
        }
        if (pos != -1) pos += start << 3;
        c.Reply.WriteInteger(pos);
    }

    private static void BitOp(CommandContext c)
    {
        char op = c.ArgIs(1, "AND") ? '&' : c.ArgIs(1, "OR") ? '|' : c.ArgIs(1, "XOR") ? '^' : c.ArgIs(1, "NOT") ? '~' : '\0';
        if (op == '\0')
        {
            c.SyntaxError();
            return;
        }
        if (op == '~' && c.ArgCount != 4)
        {
            c.Error("ERR BITOP NOT must be called with a single source key.");
            return;
        }
        var db = c.Db;
        var sources = new byte[c.ArgCount - 3][];
        int max = 0;
        for (int i = 3; i < c.ArgCount; i++)
        {
            object? o = db.Get(c.Arg(i));
            if (o is not (null or byte[]))
            {
                c.WrongType();
                return;
            }
            sources[i - 3] = (byte[]?)o ?? [];
            max = Math.Max(max, sources[i - 3].Length);
        }
        if (max == 0)
        {
            if (db.Delete(c.Arg(2))) db.Notify(K.Generic, "del", c.Arg(2));
            c.Reply.WriteInteger(0);
            return;
        }
        var result = new byte[max];
        for (int k = 0; k < max; k++)
        {
            int acc = k < sources[0].Length ? sources[0][k] : 0;
            if (op == '~') acc = ~acc;
            for (int s = 1; s < sources.Length; s++)
            {
                int b = k < sources[s].Length ? sources[s][k] : 0;
                acc = op switch { '&' => acc & b, '|' => acc | b, _ => acc ^ b };
            }
            result[k] = (byte)acc;
        }
        db.Set(c.Arg(2), result, flags: EntryFlags.RawString);
        db.Notify(K.String, "set", c.Arg(2));
        c.Reply.WriteInteger(max);
    }
}
