using System.Numerics;

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
    private const int MaxRef = 7 + 255 + 2;
    private const int HashBits = 14;

    /// <summary>The compressor's hash table (last position of each 3-byte hash), reused per thread.</summary>
    [ThreadStatic]
    private static int[]? t_table;

    /// <summary>
    /// Compresses <paramref name="input"/> into <paramref name="output"/>; returns the compressed
    /// length, or 0 when it does not fit in <paramref name="output"/> (then the caller stores raw).
    /// </summary>
    public static int Compress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length == 0) return 0;
        int hashBits = Math.Clamp(BitOperations.Log2((uint)input.Length) + 1, 8, HashBits);
        var table = (t_table ??= new int[1 << HashBits]).AsSpan(0, 1 << hashBits);
        table.Fill(-1); // cost proportional to the input: most strings are short
        int ip = 0, op = 1, litStart = 0; // op = 1: room for the first literal control byte
        if (output.Length < 1) return 0;
        while (ip + 2 < input.Length)
        {
            int h = Hash(input, ip, hashBits);
            int candidate = table[h];
            table[h] = ip;
            int off = ip - candidate - 1;
            if (candidate >= 0 && off < MaxOffset && input[candidate] == input[ip]
                && input[candidate + 1] == input[ip + 1] && input[candidate + 2] == input[ip + 2])
            {
                int max = Math.Min(MaxRef, input.Length - ip);
                int len = 3;
                while (len < max && input[candidate + len] == input[ip + len]) len++;
                if (!CloseLiteral(output, ref op, ip - litStart)) return 0;
                int l = len - 2;
                if (l < 7)
                {
                    if (op + 2 > output.Length) return 0;
                    output[op++] = (byte)((l << 5) | (off >> 8));
                }
                else
                {
                    if (op + 3 > output.Length) return 0;
                    output[op++] = (byte)((7 << 5) | (off >> 8));
                    output[op++] = (byte)(l - 7);
                }
                output[op++] = (byte)off;
                ip += len;
                litStart = ip;
                op++; // reserve the next literal control byte
                continue;
            }
            if (!AppendLiteral(input, output, ref op, ref litStart, ip)) return 0;
            ip++;
        }
        while (ip < input.Length)
        {
            if (!AppendLiteral(input, output, ref op, ref litStart, ip)) return 0;
            ip++;
        }
        if (!CloseLiteral(output, ref op, ip - litStart)) return 0;
        return op;
    }

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

    private static int Hash(ReadOnlySpan<byte> s, int i, int bits)
    {
        uint v = (uint)(s[i] << 16 | s[i + 1] << 8 | s[i + 2]);
        return (int)((v * 2654435761u) >> (32 - bits));
    }

    /// <summary>Adds input[ip] to the open literal run (its control byte sits at op - run - 1).</summary>
    private static bool AppendLiteral(ReadOnlySpan<byte> input, Span<byte> output, ref int op, ref int litStart, int ip)
    {
        if (op >= output.Length) return false;
        output[op++] = input[ip];
        if (ip + 1 - litStart == MaxLiteral)
        {
            output[op - MaxLiteral - 1] = MaxLiteral - 1;
            litStart = ip + 1;
            op++; // next control byte
        }
        return true;
    }

    /// <summary>Writes the control byte of the open literal run, or un-reserves it when empty.</summary>
    private static bool CloseLiteral(Span<byte> output, ref int op, int run)
    {
        if (run == 0)
        {
            op--;
            return true;
        }
        if (op - run - 1 < 0 || op > output.Length) return false;
        output[op - run - 1] = (byte)(run - 1);
        return true;
    }
}
