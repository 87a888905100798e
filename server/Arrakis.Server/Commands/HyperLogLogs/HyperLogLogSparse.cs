namespace Arrakis.Server.Commands.HyperLogLogs;

/// <summary>
/// Redis's sparse HyperLogLog representation: run-length opcodes after the 16-byte header.
/// ZERO 00xxxxxx (1-64 zero registers), XZERO 01xxxxxx yyyyyyyy (1-16384 zero registers),
/// VAL 1vvvvvxx (1-4 registers of value 1-32). Updates follow Redis's hllSparseSet step by step
/// (split the covering opcode, then merge equal adjacent VALs), so the bytes match Redis's.
/// </summary>
internal static class HyperLogLogSparse
{
    public const int ValMaxValue = 32;
    private const int ValMaxLen = 4;
    private const int ZeroMaxLen = 64;

    private static bool IsZero(byte b) => (b & 0xC0) == 0x00;
    private static bool IsXZero(byte b) => (b & 0xC0) == 0x40;
    private static int ZeroLen(byte b) => (b & 0x3F) + 1;
    private static int XZeroLen(byte b0, byte b1) => (((b0 & 0x3F) << 8) | b1) + 1;
    private static int ValValue(byte b) => ((b >> 2) & 0x1F) + 1;
    private static int ValLen(byte b) => (b & 0x3) + 1;
    private static byte Val(int value, int len) => (byte)(0x80 | ((value - 1) << 2) | (len - 1));

    /// <summary>A new, empty HLL exactly as Redis creates it (header plus one XZERO of 16384).</summary>
    public static byte[] Create()
    {
        var b = new byte[HyperLogLog.HeaderSize + 2];
        "HYLL"u8.CopyTo(b);
        b[4] = 1; // sparse
        int len = HyperLogLog.Registers - 1;
        b[16] = (byte)(0x40 | (len >> 8));
        b[17] = (byte)(len & 0xFF);
        return b;
    }

    /// <summary>
    /// Every register value of a sparse HLL; false when the opcodes do not cover exactly the 16384
    /// registers or a VAL runs past the last one, which Redis answers with INVALIDOBJ.
    /// </summary>
    public static bool ReadRegisters(byte[] hll, Span<byte> registers)
    {
        long index = 0;
        for (int p = HyperLogLog.HeaderSize; p < hll.Length;)
        {
            byte op = hll[p];
            if (IsZero(op))
            {
                index += ZeroLen(op);
                p++;
            }
            else if (IsXZero(op))
            {
                index += XZeroLen(op, At(hll, p + 1));
                p += 2;
            }
            else
            {
                int value = ValValue(op), run = ValLen(op);
                if (index + run > HyperLogLog.Registers) return false; // Redis: corrupt even when the registers were all read
                registers.Slice((int)index, run).Fill((byte)value);
                index += run;
                p++;
            }
        }
        return index == HyperLogLog.Registers;
    }

    /// <summary>The byte at <paramref name="i"/>, or 0 past the end: Redis reads an XZERO cut short by the
    /// end of the string together with the string's NUL terminator, and so do we.</summary>
    private static byte At(byte[] hll, int i) => i < hll.Length ? hll[i] : (byte)0;

    /// <summary>
    /// Sets register <paramref name="index"/> to <paramref name="count"/> if that raises it. Returns 0
    /// (no change), 1, or -1 when the opcodes are corrupt (no opcode covers the register, or a
    /// promotion found registers that do not decode); <paramref name="hll"/> may be replaced by a
    /// longer array or by the dense form (promotion when the value exceeds 32 or the encoding would
    /// pass <paramref name="maxBytes"/>).
    /// </summary>
    public static int Set(ref byte[] hll, int index, int count, int maxBytes)
    {
        if (count > ValMaxValue) return Promote(ref hll, index, count);
        int p = HyperLogLog.HeaderSize, end = hll.Length, first = 0, span = 0, prev = -1;
        while (p < end)
        {
            byte op = hll[p];
            int oplen = 1;
            if (IsZero(op)) span = ZeroLen(op);
            else if (IsXZero(op))
            {
                span = XZeroLen(op, At(hll, p + 1));
                oplen = 2;
            }
            else span = ValLen(op);
            if (index <= first + span - 1) break;
            prev = p;
            p += oplen;
            first += span;
        }
        if (span == 0 || p >= end) return -1;
        byte cur = hll[p];
        bool isZero = IsZero(cur), isXZero = IsXZero(cur), isVal = !isZero && !isXZero;
        int runlen = isZero ? ZeroLen(cur) : isXZero ? XZeroLen(cur, At(hll, p + 1)) : ValLen(cur);
        if (isVal)
        {
            if (ValValue(cur) >= count) return 0;
            if (runlen == 1)
            {
                hll[p] = Val(count, 1);
                return Merge(ref hll, prev);
            }
        }
        if (isZero && runlen == 1)
        {
            hll[p] = Val(count, 1);
            return Merge(ref hll, prev);
        }
        Span<byte> seq = stackalloc byte[5];
        int n = 0, last = first + span - 1;
        if (isZero || isXZero)
        {
            if (index != first) n += WriteZeros(seq[n..], index - first);
            seq[n++] = Val(count, 1);
            if (index != last) n += WriteZeros(seq[n..], last - index);
        }
        else
        {
            int curval = ValValue(cur);
            if (index != first) seq[n++] = Val(curval, index - first);
            seq[n++] = Val(count, 1);
            if (index != last) seq[n++] = Val(curval, last - index);
        }
        int oldlen = isXZero ? 2 : 1, delta = n - oldlen;
        if (delta > 0 && hll.Length + delta > maxBytes) return Promote(ref hll, index, count);
        // An XZERO cut short by the end of the string counts as 2 bytes but has only 1: like Redis
        // (sdsIncrLen by the 2-byte delta), the new sequence's last byte then falls off the end.
        var updated = new byte[hll.Length + delta];
        hll.AsSpan(0, p).CopyTo(updated);
        seq[..Math.Min(n, updated.Length - p)].CopyTo(updated.AsSpan(p));
        if (p + oldlen < hll.Length) hll.AsSpan(p + oldlen).CopyTo(updated.AsSpan(p + n));
        hll = updated;
        return Merge(ref hll, prev);
    }

    private static int WriteZeros(Span<byte> dest, int len)
    {
        if (len > ZeroMaxLen)
        {
            int l = len - 1;
            dest[0] = (byte)(0x40 | (l >> 8));
            dest[1] = (byte)(l & 0xFF);
            return 2;
        }
        dest[0] = (byte)(len - 1);
        return 1;
    }

    /// <summary>Redis's step 4: from the opcode before the change, merge up to 5 adjacent equal VALs.</summary>
    private static int Merge(ref byte[] hll, int prev)
    {
        var buffer = new List<byte>(hll);
        int p = prev >= 0 ? prev : HyperLogLog.HeaderSize;
        int scan = 5;
        while (p < buffer.Count && scan-- > 0)
        {
            if (IsXZero(buffer[p]))
            {
                p += 2;
                continue;
            }
            if (IsZero(buffer[p]))
            {
                p++;
                continue;
            }
            if (p + 1 < buffer.Count && !IsZero(buffer[p + 1]) && !IsXZero(buffer[p + 1]))
            {
                int v1 = ValValue(buffer[p]), v2 = ValValue(buffer[p + 1]);
                int len = ValLen(buffer[p]) + ValLen(buffer[p + 1]);
                if (v1 == v2 && len <= ValMaxLen)
                {
                    buffer[p + 1] = Val(v1, len);
                    buffer.RemoveAt(p);
                    continue;
                }
            }
            p++;
        }
        if (buffer.Count != hll.Length) hll = buffer.ToArray();
        else buffer.CopyTo(hll);
        HyperLogLog.InvalidateCache(hll);
        return 1;
    }

    /// <summary>Converts to dense and sets the register there; -1 when the registers do not decode.</summary>
    private static int Promote(ref byte[] hll, int index, int count)
    {
        var dense = ToDense(hll);
        if (dense is null) return -1;
        hll = dense;
        HyperLogLog.SetRegister(hll, index, count);
        return 1;
    }

    /// <summary>The dense form (header copied, encoding flipped, as Redis does); null when the sparse
    /// registers do not decode (Redis's hllSparseToDense fails the same way).</summary>
    public static byte[]? ToDense(byte[] sparse)
    {
        Span<byte> registers = stackalloc byte[HyperLogLog.Registers];
        registers.Clear();
        if (!ReadRegisters(sparse, registers)) return null;
        var dense = new byte[HyperLogLog.DenseSize];
        sparse.AsSpan(0, HyperLogLog.HeaderSize).CopyTo(dense);
        dense[4] = 0;
        for (int i = 0; i < registers.Length; i++)
        {
            if (registers[i] != 0) HyperLogLog.SetRegister(dense, i, registers[i]);
        }
        return dense;
    }
}
