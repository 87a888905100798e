using System.Buffers.Binary;
using System.Globalization;
using Arrakis.Protocol;

namespace Arrakis.Server.Commands.Streams;

/// <summary>A stream entry ID: milliseconds and sequence, both unsigned 64-bit, ordered as a 128-bit number.</summary>
internal readonly record struct StreamId(ulong Ms, ulong Seq) : IComparable<StreamId>
{
    public static readonly StreamId Zero = new(0, 0);
    public static readonly StreamId Max = new(ulong.MaxValue, ulong.MaxValue);

    public bool IsZero => Ms == 0 && Seq == 0;

    public int CompareTo(StreamId other) => Ms != other.Ms ? Ms.CompareTo(other.Ms) : Seq.CompareTo(other.Seq);

    public static bool operator <(StreamId a, StreamId b) => a.CompareTo(b) < 0;
    public static bool operator >(StreamId a, StreamId b) => a.CompareTo(b) > 0;
    public static bool operator <=(StreamId a, StreamId b) => a.CompareTo(b) <= 0;
    public static bool operator >=(StreamId a, StreamId b) => a.CompareTo(b) >= 0;

    /// <summary>The next ID (streamIncrID); false when this is the last possible one.</summary>
    public bool TryIncrement(out StreamId next)
    {
        if (Seq != ulong.MaxValue) next = new StreamId(Ms, Seq + 1);
        else if (Ms != ulong.MaxValue) next = new StreamId(Ms + 1, 0);
        else
        {
            next = this;
            return false;
        }
        return true;
    }

    /// <summary>The previous ID (streamDecrID); false when this is 0-0.</summary>
    public bool TryDecrement(out StreamId prev)
    {
        if (Seq != 0) prev = new StreamId(Ms, Seq - 1);
        else if (Ms != 0) prev = new StreamId(Ms - 1, ulong.MaxValue);
        else
        {
            prev = this;
            return false;
        }
        return true;
    }

    public override string ToString() => Ms.ToString(CultureInfo.InvariantCulture) + "-" + Seq.ToString(CultureInfo.InvariantCulture);

    public byte[] ToBytes() => System.Text.Encoding.ASCII.GetBytes(ToString());

    /// <summary>Writes the ID as a bulk string without allocating.</summary>
    public void Write(RespWriter w)
    {
        Span<byte> buf = stackalloc byte[41];
        w.WriteBulk(buf[..Format(buf)]);
    }

    public int Format(Span<byte> buf)
    {
        Ms.TryFormat(buf, out int a, default, CultureInfo.InvariantCulture);
        buf[a] = (byte)'-';
        Seq.TryFormat(buf[(a + 1)..], out int b, default, CultureInfo.InvariantCulture);
        return a + 1 + b;
    }

    /// <summary>The 128-bit big-endian form Redis uses as the rax key of a node.</summary>
    public void Encode(Span<byte> dest)
    {
        BinaryPrimitives.WriteUInt64BigEndian(dest, Ms);
        BinaryPrimitives.WriteUInt64BigEndian(dest[8..], Seq);
    }

    public static StreamId Decode(ReadOnlySpan<byte> src) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(src), BinaryPrimitives.ReadUInt64BigEndian(src[8..]));

    /// <summary>
    /// Redis's streamGenericParseIDOrReply without the reply: "-" and "+" (when allowed), "ms" or
    /// "ms-seq" read with strtoull's rules (string2ull), "ms-*" when <paramref name="seqGiven"/> is wanted.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> s, ulong missingSeq, bool strict, bool allowAutoSeq, out StreamId id, out bool seqGiven)
    {
        id = Zero;
        seqGiven = true;
        if (s.Length > 127) return false;
        int nul = s.IndexOf((byte)0);
        if (nul >= 0) s = s[..nul];
        if (strict && s.Length == 1 && (s[0] == '-' || s[0] == '+')) return false;
        seqGiven = true;
        if (s.Length == 1 && s[0] == '-')
        {
            id = Zero;
            return true;
        }
        if (s.Length == 1 && s[0] == '+')
        {
            id = Max;
            return true;
        }
        int dot = s.IndexOf((byte)'-');
        if (dot < 0)
        {
            if (!TryParseULong(s, out ulong ms)) return false;
            id = new StreamId(ms, missingSeq);
            return true;
        }
        if (!TryParseULong(s[..dot], out ulong m)) return false;
        var rest = s[(dot + 1)..];
        if (allowAutoSeq && rest.Length == 1 && rest[0] == '*')
        {
            seqGiven = false;
            id = new StreamId(m, 0);
            return true;
        }
        if (!TryParseULong(rest, out ulong seq)) return false;
        id = new StreamId(m, seq);
        return true;
    }

    /// <summary>Redis's string2ull: string2ll first (negative refused), else strtoull (spaces, a sign, digits; '-' wraps, overflow refused).</summary>
    private static bool TryParseULong(ReadOnlySpan<byte> s, out ulong value)
    {
        value = 0;
        if (RespNumber.TryParseInt64(s, out long v))
        {
            if (v < 0) return false;
            value = (ulong)v;
            return true;
        }
        int i = 0;
        while (i < s.Length && (s[i] == ' ' || (s[i] >= 9 && s[i] <= 13))) i++;
        bool negative = false;
        if (i < s.Length && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
        if (i >= s.Length) return false;
        ulong acc = 0;
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d > 9) return false;
            if (acc > (ulong.MaxValue - d) / 10) return false;
            acc = acc * 10 + d;
        }
        value = negative ? 0 - acc : acc;
        return true;
    }
}
