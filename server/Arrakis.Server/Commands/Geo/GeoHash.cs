namespace Arrakis.Server.Commands.Geo;

/// <summary>A geohash cell: <see cref="Bits"/> holds 2 × <see cref="Step"/> interleaved bits
/// (latitude in the even bits, longitude in the odd ones). Step 0 with no bits is "none".</summary>
internal readonly record struct GeoHashBits(ulong Bits, int Step)
{
    public bool IsZero => Bits == 0 && Step == 0;
}

/// <summary>The longitude/latitude rectangle a geohash cell covers.</summary>
internal readonly record struct GeoArea(double LongMin, double LongMax, double LatMin, double LatMax);

/// <summary>
/// Redis's geohash arithmetic (geohash.c, geohash_helper.c), reproduced operation for operation so
/// scores, decoded coordinates and distances agree with redis-server to the last bit: 26 steps
/// over longitude -180..180 and latitude ±85.05112878 (the Web Mercator limits), 52-bit scores,
/// the haversine on a sphere of radius 6372797.560856 m.
/// </summary>
internal static class GeoHash
{
    public const int StepMax = 26;
    public const double LatMin = -85.05112878;
    public const double LatMax = 85.05112878;
    public const double LongMin = -180;
    public const double LongMax = 180;
    public const double EarthRadius = 6372797.560856;
    private const double MercatorMax = 20037726.37;
    private const double DegToRad = Math.PI / 180.0;

    private static double Rad(double degrees) => degrees * DegToRad;

    private static double Deg(double radians) => radians / DegToRad;

    /// <summary>geohashEncode: false (and no hash) when the point is outside the WGS84 limits or the ranges.</summary>
    public static bool TryEncode(double longMin, double longMax, double latMin, double latMax, double longitude, double latitude, int step, out GeoHashBits hash)
    {
        hash = default;
        if (longitude > 180 || longitude < -180 || latitude > LatMax || latitude < LatMin) return false;
        if (latitude < latMin || latitude > latMax || longitude < longMin || longitude > longMax) return false;
        double latOffset = (latitude - latMin) / (latMax - latMin);
        double longOffset = (longitude - longMin) / (longMax - longMin);
        // Redis scales by 2^step and truncates to a 32-bit integer: a coordinate on the upper limit
        // gives 2^step itself, whose bit lands above the 2×step bits of the hash (as in Redis).
        latOffset *= 1UL << step;
        longOffset *= 1UL << step;
        hash = new GeoHashBits(Interleave((uint)latOffset, (uint)longOffset), step);
        return true;
    }

    /// <summary>geohashEncodeWGS84 at <paramref name="step"/> steps.</summary>
    public static bool TryEncodeWgs84(double longitude, double latitude, int step, out GeoHashBits hash) =>
        TryEncode(LongMin, LongMax, LatMin, LatMax, longitude, latitude, step, out hash);

    /// <summary>The 52-bit sorted set score of a point (geohashAlign52Bits of its 26-step hash).</summary>
    public static ulong Score(double longitude, double latitude)
    {
        TryEncodeWgs84(longitude, latitude, StepMax, out var hash);
        return Align52(hash);
    }

    /// <summary>geohashAlign52Bits: the cell's bits moved to the top of a 52-bit score.</summary>
    public static ulong Align52(GeoHashBits hash) => hash.Bits << (52 - hash.Step * 2);

    /// <summary>geohashDecode over the WGS84 ranges.</summary>
    public static GeoArea Decode(GeoHashBits hash) => Decode(LongMin, LongMax, LatMin, LatMax, hash);

    private static GeoArea Decode(double longMin, double longMax, double latMin, double latMax, GeoHashBits hash)
    {
        ulong separated = Deinterleave(hash.Bits);
        double latScale = latMax - latMin;
        double longScale = longMax - longMin;
        uint ilat = (uint)separated;
        uint ilong = (uint)(separated >> 32);
        double cells = 1UL << hash.Step;
        // "+ 1" wraps in 32 bits, as Redis's uint32_t arithmetic does.
        return new GeoArea(
            longMin + (ilong * 1.0 / cells) * longScale,
            longMin + ((uint)(ilong + 1) * 1.0 / cells) * longScale,
            latMin + (ilat * 1.0 / cells) * latScale,
            latMin + ((uint)(ilat + 1) * 1.0 / cells) * latScale);
    }

    /// <summary>decodeGeohash in geo.c: the centre of the 26-step cell a score names, clamped to
    /// the WGS84 limits (geohashDecodeAreaToLongLat). Never fails: a step of 26 is never "zero".</summary>
    public static (double Longitude, double Latitude) DecodeScore(double score)
    {
        var area = Decode(new GeoHashBits(ScoreToBits(score), StepMax));
        double x = (area.LongMin + area.LongMax) / 2;
        if (x > LongMax) x = LongMax;
        if (x < LongMin) x = LongMin;
        double y = (area.LatMin + area.LatMax) / 2;
        if (y > LatMax) y = LatMax;
        if (y < LatMin) y = LatMin;
        return (x, y);
    }

    /// <summary>Redis's (uint64_t) cast of a score as x86-64 GCC compiles it (cvttsd2si, with
    /// 2^63 subtracted first for big values): what any zset score, not only a geohash, decodes as.</summary>
    private static ulong ScoreToBits(double score)
    {
        const double TwoTo63 = 9223372036854775808.0;
        if (!(score < TwoTo63)) // NaN goes this way too, as comisd reports it unordered
        {
            double low = score - TwoTo63;
            ulong t = low is >= -TwoTo63 and < TwoTo63 ? (ulong)(long)low : 0x8000000000000000UL;
            return t ^ 0x8000000000000000UL;
        }
        return score >= -TwoTo63 ? (ulong)(long)score : 0x8000000000000000UL;
    }

    /// <summary>The 11-character base32 string of GEOHASH: the decoded point re-encoded over the
    /// standard -180..180 / -90..90 ranges; the 11th character stands for bits Redis does not have.</summary>
    public static string StandardString(double score)
    {
        const string Alphabet = "0123456789bcdefghjkmnpqrstuvwxyz";
        var (x, y) = DecodeScore(score);
        TryEncode(-180, 180, -90, 90, x, y, StepMax, out var hash);
        Span<char> text = stackalloc char[11];
        for (int i = 0; i < 10; i++) text[i] = Alphabet[(int)((hash.Bits >> (52 - (i + 1) * 5)) & 0x1f)];
        text[10] = '0';
        return new string(text);
    }

    /// <summary>geohashGetLatDistance: along a meridian, no trigonometry.</summary>
    public static double LatDistance(double lat1, double lat2) => EarthRadius * Math.Abs(Rad(lat2) - Rad(lat1));

    /// <summary>geohashGetDistance: the haversine great-circle distance in metres (a plain
    /// latitude difference when the longitudes' half-difference has a zero sine).</summary>
    public static double Distance(double lon1, double lat1, double lon2, double lat2)
    {
        double lon1r = Rad(lon1), lon2r = Rad(lon2);
        double v = Math.Sin((lon2r - lon1r) / 2);
        if (v == 0.0) return LatDistance(lat1, lat2);
        double lat1r = Rad(lat1), lat2r = Rad(lat2);
        double u = Math.Sin((lat2r - lat1r) / 2);
        double a = u * u + Math.Cos(lat1r) * Math.Cos(lat2r) * v * v;
        return 2.0 * EarthRadius * Math.Asin(Math.Sqrt(a));
    }

    /// <summary>geohashEstimateStepsByRadius: how coarse the 9 search cells must be for a radius.</summary>
    public static int EstimateSteps(double rangeMeters, double latitude)
    {
        if (rangeMeters == 0) return 26;
        int step = 1;
        while (rangeMeters < MercatorMax)
        {
            rangeMeters *= 2;
            step++;
        }
        step -= 2;
        if (latitude > 66 || latitude < -66)
        {
            step--;
            if (latitude > 80 || latitude < -80) step--;
        }
        return Math.Clamp(step, 1, 26);
    }

    /// <summary>geohash_move_x: the cell <paramref name="d"/> columns east (wrapping around).</summary>
    public static GeoHashBits MoveX(GeoHashBits hash, int d) => Move(hash, d, 0xaaaaaaaaaaaaaaaaUL);

    /// <summary>geohash_move_y: the cell <paramref name="d"/> rows north (wrapping around).</summary>
    public static GeoHashBits MoveY(GeoHashBits hash, int d) => Move(hash, d, 0x5555555555555555UL);

    /// <summary>Adds or subtracts one in the interleaved bits of <paramref name="moving"/> (x: the odd positions, y:
    /// the even ones), carrying across the other coordinate's bits by filling them with ones first.</summary>
    private static GeoHashBits Move(GeoHashBits hash, int d, ulong moving)
    {
        if (d == 0) return hash;
        ulong m = hash.Bits & moving;
        ulong other = hash.Bits & ~moving;
        ulong zz = ~moving >> (64 - hash.Step * 2);
        if (d > 0) m += zz + 1;
        else
        {
            m |= zz;
            m -= zz + 1;
        }
        m &= moving >> (64 - hash.Step * 2);
        return hash with { Bits = m | other };
    }

    /// <summary>interleave64: x's bits to the even positions, y's to the odd ones.</summary>
    private static ulong Interleave(uint xlo, uint ylo)
    {
        ulong x = Spread(xlo), y = Spread(ylo);
        return x | (y << 1);
    }

    private static ulong Spread(ulong v)
    {
        v = (v | (v << 16)) & 0x0000FFFF0000FFFFUL;
        v = (v | (v << 8)) & 0x00FF00FF00FF00FFUL;
        v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FUL;
        v = (v | (v << 2)) & 0x3333333333333333UL;
        v = (v | (v << 1)) & 0x5555555555555555UL;
        return v;
    }

    /// <summary>deinterleave64: even bits to the low 32 bits, odd bits to the high 32.</summary>
    private static ulong Deinterleave(ulong interleaved) => Squash(interleaved) | (Squash(interleaved >> 1) << 32);

    private static ulong Squash(ulong v)
    {
        v &= 0x5555555555555555UL;
        v = (v | (v >> 1)) & 0x3333333333333333UL;
        v = (v | (v >> 2)) & 0x0F0F0F0F0F0F0F0FUL;
        v = (v | (v >> 4)) & 0x00FF00FF00FF00FFUL;
        v = (v | (v >> 8)) & 0x0000FFFF0000FFFFUL;
        v = (v | (v >> 16)) & 0x00000000FFFFFFFFUL;
        return v;
    }
}
