using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;
using Arrakis.Protocol;

namespace Arrakis.Server.Commands.Strings;

/// <summary>BITFIELD / BITFIELD_RO: GET, SET, INCRBY on i1..i64 / u1..u63 fields with WRAP, SAT or FAIL
/// overflow, parsed completely before anything is executed (as Redis does).</summary>
internal static class BitField
{
    private enum Op : byte { Get, Set, IncrBy }

    private enum Overflow : byte { Wrap, Sat, Fail }

    private readonly record struct Field(Op Op, bool Signed, int Bits, long Offset, long Value, Overflow Overflow);

    public static void Execute(CommandContext c, bool readOnly)
    {
        var ops = new List<Field>();
        var overflow = Overflow.Wrap;
        bool writes = false;
        long highest = 0;
        for (int j = 2; j < c.ArgCount; j++)
        {
            int remaining = c.ArgCount - j - 1;
            Op op;
            if (c.ArgIs(j, "GET") && remaining >= 2) op = Op.Get;
            else if (c.ArgIs(j, "SET") && remaining >= 3) op = Op.Set;
            else if (c.ArgIs(j, "INCRBY") && remaining >= 3) op = Op.IncrBy;
            else if (c.ArgIs(j, "OVERFLOW") && remaining >= 1)
            {
                j++;
                if (c.ArgIs(j, "WRAP")) overflow = Overflow.Wrap;
                else if (c.ArgIs(j, "SAT")) overflow = Overflow.Sat;
                else if (c.ArgIs(j, "FAIL")) overflow = Overflow.Fail;
                else
                {
                    c.Error("ERR Invalid OVERFLOW type specified");
                    return;
                }
                continue;
            }
            else
            {
                c.SyntaxError();
                return;
            }
            if (!TryType(c.Arg(j + 1), out bool signed, out int bits))
            {
                c.Error("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.");
                return;
            }
            if (!BitCommands.TryBitOffset(c, j + 2, true, bits, out long offset)) return;
            long value = 0;
            if (op != Op.Get)
            {
                if (!c.TryArgLong(j + 3, out value)) return;
                writes = true;
                highest = Math.Max(highest, offset + bits - 1);
                j++;
            }
            ops.Add(new Field(op, signed, bits, offset, value, overflow));
            j += 2;
        }
        if (readOnly && writes)
        {
            c.Error("ERR BITFIELD_RO only supports the GET subcommand");
            return;
        }
        var db = c.Db;
        byte[] data;
        if (writes)
        {
            var v = BitCommands.StringForWrite(c, db, c.Arg(1), highest, out _);
            if (v is null) return;
            data = v;
        }
        else
        {
            if (!StringValues.TryGet(c, db, c.Arg(1), out var v)) return;
            data = v ?? [];
        }
        c.Reply.WriteArrayHeader(ops.Count);
        foreach (var f in ops) Run(c, f, data);
        if (writes) db.Notify(K.String, "setbit", c.Arg(1));
    }

    private static void Run(CommandContext c, Field f, byte[] data)
    {
        if (f.Op == Op.Get)
        {
            c.Reply.WriteInteger(f.Signed ? GetSigned(data, f.Offset, f.Bits) : (long)GetUnsigned(data, f.Offset, f.Bits));
            return;
        }
        if (f.Signed)
        {
            long old = GetSigned(data, f.Offset, f.Bits);
            long value = f.Op == Op.Set ? f.Value : old, incr = f.Op == Op.Set ? 0 : f.Value;
            int of = CheckSigned(value, incr, f.Bits, f.Overflow, out long limit);
            long result = of != 0 ? limit : unchecked(value + incr);
            if (of != 0 && f.Overflow == Overflow.Fail)
            {
                c.Reply.WriteNull();
                return;
            }
            SetBits(data, f.Offset, f.Bits, (ulong)result);
            c.Reply.WriteInteger(f.Op == Op.Set ? old : result);
        }
        else
        {
            ulong old = GetUnsigned(data, f.Offset, f.Bits);
            ulong value = f.Op == Op.Set ? (ulong)f.Value : old;
            long incr = f.Op == Op.Set ? 0 : f.Value;
            int of = CheckUnsigned(value, incr, f.Bits, f.Overflow, out ulong limit);
            ulong result = of != 0 ? limit : unchecked(value + (ulong)incr);
            if (of != 0 && f.Overflow == Overflow.Fail)
            {
                c.Reply.WriteNull();
                return;
            }
            SetBits(data, f.Offset, f.Bits, result);
            c.Reply.WriteInteger(f.Op == Op.Set ? (long)old : (long)result);
        }
    }

    /// <summary>Redis's getBitfieldTypeFromArgument: a lowercase 'i' or 'u', then the width read as a C
    /// string (up to the first NUL byte).</summary>
    private static bool TryType(ReadOnlySpan<byte> s, out bool signed, out int bits)
    {
        signed = false;
        bits = 0;
        if (s.Length < 2 || s[0] is not ((byte)'i' or (byte)'u')) return false;
        signed = s[0] == 'i';
        var width = s[1..];
        int nul = width.IndexOf((byte)0);
        if (nul >= 0) width = width[..nul];
        if (!RespNumber.TryParseInt64(width, out long b)) return false;
        bits = (int)Math.Clamp(b, 0, 100);
        return bits >= 1 && ((signed && bits <= 64) || (!signed && bits <= 63));
    }

    private static ulong GetUnsigned(byte[] p, long offset, int bits)
    {
        ulong value = 0;
        for (int j = 0; j < bits; j++)
        {
            long bit = offset + j;
            long index = bit >> 3;
            int b = index < p.Length ? (p[index] >> (7 - (int)(bit & 7))) & 1 : 0;
            value = (value << 1) | (uint)b;
        }
        return value;
    }

    private static long GetSigned(byte[] p, long offset, int bits)
    {
        ulong value = GetUnsigned(p, offset, bits);
        if (bits < 64 && (value & (1UL << (bits - 1))) != 0) value |= ulong.MaxValue << bits;
        return (long)value;
    }

    private static void SetBits(byte[] p, long offset, int bits, ulong value)
    {
        for (int j = 0; j < bits; j++)
        {
            int bitval = (int)((value >> (bits - 1 - j)) & 1);
            long bit = offset + j;
            long index = bit >> 3;
            int shift = 7 - (int)(bit & 7);
            p[index] = (byte)((p[index] & ~(1 << shift)) | (bitval << shift));
        }
    }

    private static int CheckSigned(long value, long incr, int bits, Overflow mode, out long limit)
    {
        long max = bits == 64 ? long.MaxValue : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        long maxIncr = unchecked(max - value), minIncr = unchecked(min - value);
        limit = 0;
        if (value > max || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr))
        {
            limit = mode == Overflow.Wrap ? Wrap(value, incr, bits) : max;
            return 1;
        }
        if (value < min || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr))
        {
            limit = mode == Overflow.Wrap ? Wrap(value, incr, bits) : min;
            return -1;
        }
        return 0;
    }

    private static long Wrap(long value, long incr, int bits)
    {
        ulong c = unchecked((ulong)value + (ulong)incr);
        if (bits < 64)
        {
            ulong mask = ulong.MaxValue << bits;
            if ((c & (1UL << (bits - 1))) != 0) c |= mask;
            else c &= ~mask;
        }
        return (long)c;
    }

    private static int CheckUnsigned(ulong value, long incr, int bits, Overflow mode, out ulong limit)
    {
        ulong max = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        long maxIncr = unchecked((long)(max - value)), minIncr = unchecked(-(long)value);
        limit = 0;
        if (value > max || (incr > 0 && incr > maxIncr))
        {
            limit = mode == Overflow.Wrap ? unchecked(value + (ulong)incr) & ~(ulong.MaxValue << bits) : max;
            return 1;
        }
        if (incr < 0 && incr < minIncr)
        {
            limit = mode == Overflow.Wrap ? unchecked(value + (ulong)incr) & ~(ulong.MaxValue << bits) : 0;
            return -1;
        }
        return 0;
    }
}
