namespace Arrakis.LoadGen.Workload;

/// <summary>
/// Zipf-distributed ranks 1..n (rank 1 most frequent) by rejection-inversion (Hörmann and
/// Derflinger, "Rejection-inversion to generate variates from monotone discrete distributions",
/// 1996): O(1) per sample and no table, so a range of billions of keys costs nothing up front.
/// </summary>
internal sealed class ZipfianSampler
{
    private readonly long _n;
    private readonly double _exponent;
    private readonly double _hIntegralX1;
    private readonly double _hIntegralN;
    private readonly double _s;

    public ZipfianSampler(long n, double exponent)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n));
        _n = n;
        _exponent = exponent;
        _hIntegralX1 = HIntegral(1.5) - 1;
        _hIntegralN = HIntegral(n + 0.5);
        _s = 2 - HIntegralInverse(HIntegral(2.5) - H(2));
    }

    public long Sample(Random random)
    {
        while (true)
        {
            double u = _hIntegralN + random.NextDouble() * (_hIntegralX1 - _hIntegralN);
            double x = HIntegralInverse(u);
            long k = (long)(x + 0.5);
            if (k < 1) k = 1;
            else if (k > _n) k = _n;
            if (k - x <= _s || u >= HIntegral(k + 0.5) - H(k)) return k;
        }
    }

    private double H(double x) => Math.Exp(-_exponent * Math.Log(x));

    private double HIntegral(double x)
    {
        double logX = Math.Log(x);
        return Helper2((1 - _exponent) * logX) * logX;
    }

    private double HIntegralInverse(double x)
    {
        double t = x * (1 - _exponent);
        if (t < -1) t = -1;
        return Math.Exp(Helper1(t) * x);
    }

    /// <summary>log(1+x)/x, accurate near 0.</summary>
    private static double Helper1(double x) => Math.Abs(x) > 1e-8 ? Math.Log(1 + x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));

    /// <summary>(exp(x)-1)/x, accurate near 0.</summary>
    private static double Helper2(double x) => Math.Abs(x) > 1e-8 ? (Math.Exp(x) - 1) / x : 1 + x * 0.5 * (1 + x / 3 * (1 + 0.25 * x));
}
