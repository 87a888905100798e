namespace Arrakis.LoadGen.Options;

/// <summary>memtier's key patterns: R uniform random, S sequential, G gaussian, Z zipfian.</summary>
internal enum KeyPattern
{
    Random,
    Sequential,
    Gaussian,
    Zipfian,
}
