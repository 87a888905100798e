namespace Arrakis.Persistence.Rdb.Encodings;

/// <summary>
/// LZF (liblzf's format, as Redis stores compressed strings). A control byte below 32 starts a
/// literal run of ctrl+1 bytes; otherwise len = ctrl &gt;&gt; 5 (7 means "add the next byte"), the
/// offset is ((ctrl &amp; 0x1f) &lt;&lt; 8 | next byte) + 1 back from the output position, and len + 2
/// bytes are copied. Thread-safe; the compressor reuses one hash table per thread.
/// </summary>
internal static class Lzf
{
    private const int MaxLiteral = 32;
    private const int MaxOffset = 1 << 13;
    private const int MaxRef = (1 << 8) + (1 << 3);
    private const int HashLog = 16;
    private const int HashSize = 1 << HashLog;

    /// <summary>
    /// The compressor's hash table, reused per thread: slot = <see cref="t_base"/> + position of
    /// the last input position hashed there. Entries written by earlier calls are below the
    /// current base, so they read as "no candidate". liblzf (INIT_HTAB 0) never clears its table:
    /// slots hold 32-bit offsets from the input start, and a fresh (zeroed) slot points at position
    /// 0, which the "ref &gt; in_data" test rejects, so position 0 is never a match source and an
    /// unused slot means no match. Leftovers from an earlier call could in principle give Redis a
    /// match we do not take; 431 consecutive DUMPs in one redis-server showed no such case.
    /// </summary>
    [ThreadStatic]
    private static long[]? t_table;

    /// <summary>Base of the current call's entries (see <see cref="t_table"/>); grows per call.</summary>
    [ThreadStatic]
    private static long t_base;

    /// <summary>
    /// Compresses <paramref name="input"/> into <paramref name="output"/> exactly as liblzf 3.6's
    /// lzf_compress does with its default settings (HLOG 16, VERY_FAST, the hash table starting
    /// with no usable entries), which is what Redis 7.0 (Debian's build links liblzf 3.6) writes.
    /// Returns the compressed length, or 0 when the input is empty or the result would not fit in
    /// <paramref name="output"/> (liblzf's out_len); the caller then stores the input raw.
    /// </summary>
    public static int Compress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int inEnd = input.Length, outEnd = output.Length;
        if (inEnd == 0 || outEnd == 0) return 0;
        var table = t_table ??= new long[HashSize];
        long baseValue = t_base + 1; // entries of earlier calls are all below this
        t_base = baseValue + inEnd;

        int ip = 0, op = 1, lit = 0; // op = 1: the first literal run's control byte
        uint hval = inEnd >= 2 ? (uint)(input[0] << 8 | input[1]) : 0;
        while (ip < inEnd - 2)
        {
            hval = (hval << 8) | input[ip + 2];
            int slot = Index(hval);
            long reference = table[slot] - baseValue; // position, or negative: none this call
            table[slot] = baseValue + ip;
            long off = ip - reference - 1;
            if (reference > 0 && off < MaxOffset
                && input[(int)reference + 2] == input[ip + 2]
                && input[(int)reference] == input[ip] && input[(int)reference + 1] == input[ip + 1])
            {
                int r = (int)reference;
                int len = 2;
                int maxLen = Math.Min(inEnd - ip - len, MaxRef);
                if (op + 3 + 1 >= outEnd && op - (lit == 0 ? 1 : 0) + 3 + 1 >= outEnd) return 0;
                output[op - lit - 1] = (byte)(lit - 1); // close the literal run ...
                if (lit == 0) op--;                    // ... or drop its empty control byte
                len = MatchLength(input, r, ip, len, maxLen);
                len -= 2; // the stored length: bytes copied minus 2
                ip++;
                if (len < 7)
                {
                    output[op++] = (byte)((off >> 8) + (len << 5));
                }
                else
                {
                    output[op++] = (byte)((off >> 8) + (7 << 5));
                    output[op++] = (byte)(len - 7);
                }
                output[op++] = (byte)off;
                lit = 0;
                op++; // the next literal run's control byte
                ip += len + 1;
                if (ip >= inEnd - 2) break;
                // VERY_FAST: hash the last two positions of the match only.
                ip -= 2;
                hval = (uint)(input[ip] << 8 | input[ip + 1]);
                hval = (hval << 8) | input[ip + 2];
                table[Index(hval)] = baseValue + ip;
                ip++;
                hval = (hval << 8) | input[ip + 2];
                table[Index(hval)] = baseValue + ip;
                ip++;
            }
            else
            {
                if (op >= outEnd) return 0;
                lit++;
                output[op++] = input[ip++];
                if (lit == MaxLiteral)
                {
                    output[op - lit - 1] = (byte)(lit - 1);
                    lit = 0;
                    op++;
                }
            }
        }
        if (op + 3 > outEnd) return 0; // at most 3 bytes can follow
        while (ip < inEnd)
        {
            lit++;
            output[op++] = input[ip++];
            if (lit == MaxLiteral)
            {
                output[op - lit - 1] = (byte)(lit - 1);
                lit = 0;
                op++;
            }
        }
        output[op - lit - 1] = (byte)(lit - 1);
        if (lit == 0) op--;
        return op;
    }

    /// <summary>
    /// liblzf's match length scan: from <paramref name="len"/> = 2, when <paramref name="maxLen"/>
    /// exceeds 16 it first checks 16 more bytes unconditionally (which may run past maxLen, never past
    /// the input), then extends while below maxLen. Returns the number of equal leading bytes found.
    /// </summary>
    private static int MatchLength(ReadOnlySpan<byte> input, int r, int ip, int len, int maxLen)
    {
        if (maxLen > 16)
        {
            for (int k = 0; k < 16; k++)
            {
                len++;
                if (input[r + len] != input[ip + len]) return len;
            }
        }
        do len++;
        while (len < maxLen && input[r + len] == input[ip + len]);
        return len;
    }

    /// <summary>liblzf's IDX for VERY_FAST: ((h &gt;&gt; (24 - HLOG)) - h * 5) mod 2^HLOG.</summary>
    private static int Index(uint h) => (int)(((h >> (3 * 8 - HashLog)) - h * 5) & (HashSize - 1));

    /// <summary>
    /// Decompresses into <paramref name="output"/>, which must be exactly the expected length.
    /// Returns false on any malformed input (bad back-reference, overrun, short output).
    /// </summary>
    public static bool TryDecompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int ip = 0, op = 0;
        while (ip < input.Length)
        {
            int ctrl = input[ip++];
            if (ctrl < 32)
            {
                int run = ctrl + 1;
                if (ip + run > input.Length || op + run > output.Length) return false;
                input.Slice(ip, run).CopyTo(output[op..]);
                ip += run;
                op += run;
                continue;
            }
            int len = ctrl >> 5;
            if (len == 7)
            {
                if (ip >= input.Length) return false;
                len += input[ip++];
            }
            if (ip >= input.Length) return false;
            int back = ((ctrl & 0x1f) << 8) + input[ip++] + 1;
            len += 2;
            int from = op - back;
            if (from < 0 || op + len > output.Length) return false;
            for (int i = 0; i < len; i++) output[op + i] = output[from + i]; // may overlap forwards
            op += len;
        }
        return op == output.Length;
    }
}
