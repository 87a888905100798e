using Arrakis.LoadGen.Options;

namespace Arrakis.LoadGen.Workload;

/// <summary>Key numbers for one connection, in [key-minimum, key-maximum], by the chosen pattern.</summary>
internal sealed class KeyGenerator
{
    private readonly KeyPattern _pattern;
    private readonly long _min;
    private readonly long _range; // max - min + 1
    private readonly ZipfianSampler? _zipf;
    private long _next;

    /// <param name="slot">This connection's index among <paramref name="slots"/>: sequential keys start spread out.</param>
    public KeyGenerator(LoadGenOptions o, int slot, int slots)
    {
        _pattern = o.KeyPattern;
        _min = o.KeyMinimum;
        _range = o.KeyMaximum - o.KeyMinimum + 1;
        _next = _range / Math.Max(1, slots) * slot;
        if (_pattern == KeyPattern.Zipfian) _zipf = new ZipfianSampler(_range, o.KeyZipfExponent);
    }

    public long Next(Random random)
    {
        switch (_pattern)
        {
            case KeyPattern.Sequential:
                long k = _min + _next;
                _next = (_next + 1) % _range;
                return k;
            case KeyPattern.Gaussian:
            {
                // memtier's defaults: median in the middle of the range, standard deviation a sixth of it.
                double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
                double z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                double v = (_range - 1) / 2.0 + z * (_range / 6.0);
                return _min + (long)Math.Clamp(Math.Round(v), 0, _range - 1);
            }
            case KeyPattern.Zipfian:
                return _min + _zipf!.Sample(random) - 1;
            default:
                return _min + random.NextInt64(_range);
        }
    }
}
