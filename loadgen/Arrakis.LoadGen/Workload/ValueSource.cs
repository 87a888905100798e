namespace Arrakis.LoadGen.Workload;

/// <summary>
/// Values as a pure function of (seed, key number): size within the data-size range and bytes
/// taken from a fixed printable pattern at a key-dependent offset. So a GET can verify any value
/// this run (or an earlier run with the same seed and sizes) stored, without remembering it.
/// </summary>
internal sealed class ValueSource
{
    private readonly byte[] _pattern;
    private readonly int _min;
    private readonly int _spread;
    private readonly ulong _seed;

    public ValueSource(int seed, int minSize, int maxSize)
    {
        _min = minSize;
        _spread = maxSize - minSize + 1;
        _seed = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL;
        _pattern = new byte[maxSize + 256];
        var rng = new Random(seed);
        for (int i = 0; i < _pattern.Length; i++) _pattern[i] = (byte)rng.Next('!', '~' + 1);
    }

    public ReadOnlySpan<byte> For(long key)
    {
        ulong h = Mix((ulong)key ^ _seed);
        int size = _min + (int)(h % (ulong)_spread);
        int offset = (int)((h >> 32) % 256);
        return _pattern.AsSpan(offset, size);
    }

    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        x ^= x >> 33;
        return x;
    }
}
