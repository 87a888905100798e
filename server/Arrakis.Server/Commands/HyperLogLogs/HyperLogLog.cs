using System.Buffers.Binary;

namespace Arrakis.Server.Commands.HyperLogLogs;

/// <summary>
/// Redis's HyperLogLog: 16384 six-bit registers, MurmurHash64A with Redis's seed, the same register
/// update and the same estimator (Ertl's improved raw estimate, as Redis 7 uses), stored as a Redis
/// string with the "HYLL" header in Redis's dense or sparse (<see cref="HyperLogLogSparse"/>) encoding.
/// </summary>
internal static class HyperLogLog
{
    public const int P = 14;
    public const int Q = 64 - P;
    public const int Registers = 1 << P;
    public const int HeaderSize = 16;
    public const int DenseSize = HeaderSize + (Registers * 6 + 7) / 8;
    private const int RegisterMax = 63;

    public static bool IsSparse(byte[] hll) => hll[4] == 1;

    /// <summary>True for a string Redis accepts as an HLL (either encoding) of the right size.</summary>
    public static bool IsValid(byte[] s)
    {
        if (s.Length < HeaderSize || !s.AsSpan(0, 4).SequenceEqual("HYLL"u8)) return false;
        return s[4] switch
        {
            0 => s.Length == DenseSize,
            1 => true,
            _ => false,
        };
    }

    public static int GetRegister(byte[] hll, int index)
    {
        int bit = index * 6;
        int b = HeaderSize + bit / 8, fb = bit & 7, fb8 = 8 - fb;
        int b0 = hll[b], b1 = b + 1 < hll.Length ? hll[b + 1] : 0;
        return ((b0 >> fb) | (b1 << fb8)) & RegisterMax;
    }

    public static void SetRegister(byte[] hll, int index, int value)
    {
        int bit = index * 6;
        int b = HeaderSize + bit / 8, fb = bit & 7, fb8 = 8 - fb;
        hll[b] = (byte)((hll[b] & ~(RegisterMax << fb)) | (value << fb));
        if (b + 1 < hll.Length) hll[b + 1] = (byte)((hll[b + 1] & ~(RegisterMax >> fb8)) | (value >> fb8));
    }

    /// <summary>All register values, whatever the encoding; false when sparse opcodes do not decode.</summary>
    public static bool ReadRegisters(byte[] hll, Span<byte> registers)
    {
        if (IsSparse(hll))
        {
            registers.Clear();
            return HyperLogLogSparse.ReadRegisters(hll, registers);
        }
        for (int i = 0; i < Registers; i++) registers[i] = (byte)GetRegister(hll, i);
        return true;
    }

    /// <summary>Register index and run length (the value to store) of an element, as Redis's hllPatLen.</summary>
    public static (int Index, int Count) Pattern(ReadOnlySpan<byte> element)
    {
        ulong hash = MurmurHash64A(element, 0xadc83b19);
        int index = (int)(hash & (Registers - 1));
        hash >>= P;
        hash |= 1UL << Q;
        ulong bit = 1;
        int count = 1;
        while ((hash & bit) == 0)
        {
            count++;
            bit <<= 1;
        }
        return (index, count);
    }

    /// <summary>Raises register <paramref name="index"/> to <paramref name="count"/>: 1 when it changed, 0
    /// when not, -1 for a corrupt sparse HLL. A sparse <paramref name="hll"/> may be replaced (grown or
    /// promoted to dense).</summary>
    public static int Set(ref byte[] hll, int index, int count, int sparseMaxBytes)
    {
        if (IsSparse(hll)) return HyperLogLogSparse.Set(ref hll, index, count, sparseMaxBytes);
        if (GetRegister(hll, index) >= count) return 0;
        SetRegister(hll, index, count);
        return 1;
    }

    public static void InvalidateCache(byte[] hll) => hll[15] |= 0x80;

    /// <summary>The estimate, using and refreshing the cached value in the header as Redis does;
    /// <paramref name="refreshed"/> tells whether the header changed. False (nothing changed) when
    /// the cache is stale and the sparse registers do not decode.</summary>
    public static bool TryCount(byte[] hll, out long estimate, out bool refreshed)
    {
        refreshed = false;
        estimate = (long)BinaryPrimitives.ReadUInt64LittleEndian(hll.AsSpan(8, 8));
        if ((hll[15] & 0x80) == 0) return true;
        Span<byte> registers = stackalloc byte[Registers];
        if (!ReadRegisters(hll, registers)) return false;
        estimate = Estimate(registers);
        BinaryPrimitives.WriteUInt64LittleEndian(hll.AsSpan(8, 8), (ulong)estimate);
        refreshed = true;
        return true;
    }

    public static long Estimate(ReadOnlySpan<byte> registers)
    {
        double m = Registers;
        Span<int> histogram = stackalloc int[64];
        foreach (byte r in registers) histogram[r]++;
        double z = m * Tau((m - histogram[Q + 1]) / m);
        for (int j = Q; j >= 1; --j)
        {
            z += histogram[j];
            z *= 0.5;
        }
        z += m * Sigma(histogram[0] / m);
        const double alphaInf = 0.721347520444481703680; // 0.5 / ln 2
        return (long)Math.Round(alphaInf * m * m / z, MidpointRounding.AwayFromZero);
    }

    private static double Sigma(double x)
    {
        if (x == 1.0) return double.PositiveInfinity;
        double zPrime, y = 1, z = x;
        do
        {
            x *= x;
            zPrime = z;
            z += x * y;
            y += y;
        }
        while (zPrime != z);
        return z;
    }

    private static double Tau(double x)
    {
        if (x == 0.0 || x == 1.0) return 0.0;
        double zPrime, y = 1.0, z = 1 - x;
        do
        {
            x = Math.Sqrt(x);
            zPrime = z;
            y *= 0.5;
            z -= Math.Pow(1 - x, 2) * y;
        }
        while (zPrime != z);
        return z / 3;
    }

    public static ulong MurmurHash64A(ReadOnlySpan<byte> key, uint seed)
    {
        const ulong m = 0xc6a4a7935bd1e995;
        const int r = 47;
        ulong h = seed ^ ((ulong)key.Length * m);
        int blocks = key.Length & ~7;
        for (int i = 0; i < blocks; i += 8)
        {
            ulong k = BinaryPrimitives.ReadUInt64LittleEndian(key.Slice(i, 8));
            k *= m;
            k ^= k >> r;
            k *= m;
            h ^= k;
            h *= m;
        }
        var tail = key[blocks..];
        switch (tail.Length)
        {
            case 7: h ^= (ulong)tail[6] << 48; goto case 6;
            case 6: h ^= (ulong)tail[5] << 40; goto case 5;
            case 5: h ^= (ulong)tail[4] << 32; goto case 4;
            case 4: h ^= (ulong)tail[3] << 24; goto case 3;
            case 3: h ^= (ulong)tail[2] << 16; goto case 2;
            case 2: h ^= (ulong)tail[1] << 8; goto case 1;
            case 1:
                h ^= tail[0];
                h *= m;
                break;
        }
        h ^= h >> r;
        h *= m;
        h ^= h >> r;
        return h;
    }
}
