using System.IO.Hashing;
using Arrakis.Persistence.Rdb;

namespace Arrakis.Persistence.Rdb.Format;

/// <summary>
/// CRC-64 "Jones" as Redis computes it for the RDB trailer and the DUMP footer: polynomial
/// 0xad93d23594c935a9, reflected input and output, initial value 0, no final xor.
/// Check value: crc64("123456789") == 0xe9c6d914c4b8d9ca. Redis stores the value little-endian.
/// </summary>
internal static class Crc64Jones
{
    /// <summary>The parameter set; hardware-accelerated by System.IO.Hashing where possible.</summary>
    public static readonly Crc64ParameterSet Parameters =
        Crc64ParameterSet.Create(0xad93d23594c935a9UL, 0UL, 0UL, true);

    /// <summary>The CRC of <paramref name="data"/>.</summary>
    public static ulong Compute(ReadOnlySpan<byte> data) => Crc64.HashToUInt64(Parameters, data);

    /// <summary>A fresh incremental hasher (Append / GetCurrentHashAsUInt64).</summary>
    public static Crc64 Create() => new(Parameters);
}
