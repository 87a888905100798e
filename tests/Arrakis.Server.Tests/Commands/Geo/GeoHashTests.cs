using Arrakis.Server.Commands.Geo;

namespace Arrakis.Server.Tests.Commands.Geo;

/// <summary>The geohash arithmetic against values redis-server 7.0.15 gives (GEOADD scores,
/// GEOPOS, GEOHASH, GEODIST), and the exact printf formatting the geo replies use.</summary>
public sealed class GeoHashTests
{
    [Theory]
    [InlineData(13.361389, 38.115556, 3479099956230698UL)]           // Palermo
    [InlineData(15.087269, 37.502669, 3479447370796909UL)]           // Catania
    [InlineData(180, 85.05112878, 13510798882111488UL)]              // the upper limits spill above 52 bits, as in Redis
    [InlineData(-180, -85.05112878, 0UL)]
    public void Scores_are_redis_geohashes(double longitude, double latitude, ulong score)
    {
        Assert.Equal(score, GeoHash.Score(longitude, latitude));
    }

    [Theory]
    [InlineData(3479099956230698d, "13.36138933897018433", "38.11555639549629859")]
    [InlineData(13510798882111488d, "180", "85.0511287799999991")]
    [InlineData(0d, "-179.99999731779098511", "-85.05112751263942528")]
    [InlineData(-5d, "180", "85.0511287799999991")] // any score decodes, through C's (uint64_t) cast
    public void Scores_decode_to_the_cell_centre_redis_prints(double score, string longitude, string latitude)
    {
        var (x, y) = GeoHash.DecodeScore(score);
        Assert.Equal(longitude, FixedPoint.Human(x));
        Assert.Equal(latitude, FixedPoint.Human(y));
    }

    [Theory]
    [InlineData(3479099956230698d, "sqc8b49rny0")]
    [InlineData(3479447370796909d, "sqdtr74hyu0")]
    [InlineData(13510798882111488d, "bp05b5048p0")]
    [InlineData(0d, "00bh0hbj200")]
    public void Geohash_strings_use_the_standard_ranges(double score, string hash)
    {
        Assert.Equal(hash, GeoHash.StandardString(score));
    }

    [Fact]
    public void Distance_is_redis_haversine()
    {
        var (x1, y1) = GeoHash.DecodeScore(3479099956230698d);
        var (x2, y2) = GeoHash.DecodeScore(3479447370796909d);
        Assert.Equal("166274.1516", FixedPoint.Format(GeoHash.Distance(x1, y1, x2, y2), 4));
        Assert.Equal("166.2742", FixedPoint.Format(GeoHash.Distance(x1, y1, x2, y2) / 1000, 4));
    }

    [Fact]
    public void Neighbours_move_one_cell_and_wrap()
    {
        var h = new GeoHashBits(0, 2); // south-west corner cell at 2 steps
        Assert.Equal(new GeoHashBits(0b10, 2), GeoHash.MoveX(h, 1));
        Assert.Equal(new GeoHashBits(0b01, 2), GeoHash.MoveY(h, 1));
        Assert.Equal(new GeoHashBits(0b1010, 2), GeoHash.MoveX(h, -1)); // wraps to the east edge
        Assert.Equal(h, GeoHash.MoveX(GeoHash.MoveX(h, 1), -1));
    }

    [Theory]
    [InlineData(0, 52.0, 26)]
    [InlineData(1, 0.0, 24)]
    [InlineData(5_000_000, 0.0, 2)]
    [InlineData(1, 70.0, 23)]
    [InlineData(1, -81.0, 22)]
    [InlineData(50_000_000, 0.0, 1)]
    public void Steps_follow_the_radius(double meters, double latitude, int steps)
    {
        Assert.Equal(steps, GeoHash.EstimateSteps(meters, latitude));
    }

    [Theory]
    [InlineData(0.5, 0, "0")]              // ties go to even, as glibc's printf
    [InlineData(1.5, 0, "2")]
    [InlineData(2.5, 0, "2")]
    [InlineData(0.125, 2, "0.12")]
    [InlineData(-0.0, 6, "-0.000000")]
    [InlineData(200, 6, "200.000000")]
    [InlineData(double.PositiveInfinity, 6, "inf")]
    [InlineData(1e22, 4, "10000000000000000000000.0000")]
    [InlineData(0.1, 20, "0.10000000000000000555")]
    public void Fixed_point_matches_printf(double value, int decimals, string text)
    {
        Assert.Equal(text, FixedPoint.Format(value, decimals));
    }

    [Fact]
    public void Human_format_trims_like_ld2string()
    {
        Assert.Equal("0", FixedPoint.Human(-0.0));
        Assert.Equal("-1.5", FixedPoint.Human(-1.5));
        Assert.Equal("0.10000000000000001", FixedPoint.Human(0.1));
    }
}
