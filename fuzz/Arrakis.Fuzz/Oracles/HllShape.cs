namespace Arrakis.Fuzz.Oracles;

/// <summary>
/// Whether bytes are an HLL that Redis 7.0 reads without "INVALIDOBJ": the "HYLL" magic, encoding 0
/// (dense) of exactly 12304 bytes, or encoding 1 (sparse) whose opcodes cover exactly 16384
/// registers with no VAL run past the end. Like Redis's decoders, an XZERO cut short by the end
/// of the string reads its second byte as the string's NUL terminator (0).
/// </summary>
internal static class HllShape
{
    public const int DenseSize = 16 + 16384 * 6 / 8;

    /// <summary>Header and size as Redis's isHLLObjectOrReply checks them (WRONGTYPE otherwise).</summary>
    public static bool HasHeader(ReadOnlySpan<byte> s) =>
        s.Length >= 16 && s[..4].SequenceEqual("HYLL"u8) && (s[4] == 1 || (s[4] == 0 && s.Length == DenseSize));

    public static bool IsSparse(ReadOnlySpan<byte> s) => s[4] == 1;

    /// <summary>True when the cached cardinality is stale (PFCOUNT of one key then decodes the registers).</summary>
    public static bool CacheStale(ReadOnlySpan<byte> s) => (s[15] & 0x80) != 0;

    /// <summary>True when every register decodes (always true for a dense HLL with a good header).</summary>
    public static bool Decodes(ReadOnlySpan<byte> s) => Walk(s, out _);

    /// <summary>True for a sparse HLL that decodes only thanks to the NUL terminator: a PFADD that
    /// splits that XZERO loses the new sequence's last byte in Redis too (the result is corrupt).</summary>
    public static bool EndsInCutXZero(ReadOnlySpan<byte> s) => Walk(s, out bool cut) && cut;

    private static bool Walk(ReadOnlySpan<byte> s, out bool cutXZero)
    {
        cutXZero = false;
        if (!HasHeader(s)) return false;
        if (!IsSparse(s)) return true;
        long registers = 0;
        for (int p = 16; p < s.Length;)
        {
            byte op = s[p];
            switch (op >> 6)
            {
                case 0:
                    registers += (op & 0x3F) + 1;
                    p++;
                    break;
                case 1:
                    cutXZero = p + 1 == s.Length;
                    int low = cutXZero ? 0 : s[p + 1];
                    registers += ((op & 0x3F) << 8 | low) + 1;
                    p += 2;
                    break;
                default:
                    int run = (op & 3) + 1;
                    if (registers + run > 16384) return false;
                    registers += run;
                    p++;
                    break;
            }
        }
        return registers == 16384;
    }
}
