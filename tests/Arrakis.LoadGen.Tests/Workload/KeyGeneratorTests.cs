using Arrakis.LoadGen.Options;
using Arrakis.LoadGen.Workload;

namespace Arrakis.LoadGen.Tests.Workload;

public sealed class KeyGeneratorTests
{
    private static long[] Sample(KeyPattern pattern, long min, long max, int n, double zipf = 1.0)
    {
        var o = new LoadGenOptions { KeyPattern = pattern, KeyMinimum = min, KeyMaximum = max, KeyZipfExponent = zipf };
        var g = new KeyGenerator(o, 0, 1);
        var rng = new Random(3);
        return Enumerable.Range(0, n).Select(_ => g.Next(rng)).ToArray();
    }

    [Fact]
    public void Uniform_keys_cover_the_range_evenly()
    {
        var keys = Sample(KeyPattern.Random, 100, 199, 200_000);
        Assert.All(keys, k => Assert.InRange(k, 100, 199));
        var counts = keys.GroupBy(k => k).Select(g => g.Count()).ToArray();
        Assert.Equal(100, counts.Length);
        Assert.All(counts, c => Assert.InRange(c, 1700, 2300)); // expected 2000 each
    }

    [Fact]
    public void Sequential_keys_step_by_one_and_wrap()
    {
        Assert.Equal([10, 11, 12, 10, 11], Sample(KeyPattern.Sequential, 10, 12, 5));
    }

    [Fact]
    public void Gaussian_keys_center_on_the_middle_with_a_sixth_of_the_range_as_deviation()
    {
        var keys = Sample(KeyPattern.Gaussian, 0, 6000, 100_000);
        double mean = keys.Average();
        double sd = Math.Sqrt(keys.Average(k => (k - mean) * (k - mean)));
        Assert.InRange(mean, 2950, 3050);
        Assert.InRange(sd, 950, 1050);
        Assert.All(keys, k => Assert.InRange(k, 0, 6000));
    }

    [Fact]
    public void Zipfian_keys_follow_rank_frequencies()
    {
        const int n = 1000;
        var keys = Sample(KeyPattern.Zipfian, 0, n - 1, 200_000);
        double harmonic = Enumerable.Range(1, n).Sum(k => 1.0 / k);
        foreach (int rank in new[] { 1, 2, 10 })
        {
            double expected = 1.0 / rank / harmonic;
            double seen = keys.Count(k => k == rank - 1) / (double)keys.Length;
            Assert.InRange(seen, expected * 0.93, expected * 1.07);
        }
    }

    [Fact]
    public void Values_are_a_pure_function_of_seed_and_key()
    {
        var a = new ValueSource(5, 10, 40);
        var b = new ValueSource(5, 10, 40);
        for (long k = 0; k < 100; k++)
        {
            Assert.True(a.For(k).SequenceEqual(b.For(k)));
            Assert.InRange(a.For(k).Length, 10, 40);
        }
        Assert.False(new ValueSource(6, 32, 32).For(1).SequenceEqual(a.For(1)) && a.For(1).Length == 32);
    }
}
