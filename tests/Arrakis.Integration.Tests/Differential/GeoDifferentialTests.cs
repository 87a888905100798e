using System.Globalization;
using System.Text;
using Arrakis.Integration.Tests.Infrastructure;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Differential;

/// <summary>The GEO commands against redis-server byte for byte in RESP2 and RESP3: every command,
/// option and error scripted, equal distances under full and partial sorts, keyspace events, and a
/// seeded random workload of points worldwide (poles' limits, the antimeridian, clusters) searched
/// with radii from 1 m to 5000 km, boxes, COUNT/ANY and every unit.</summary>
[Collection("servers")]
public sealed class GeoDifferentialTests(ServerPairFixture servers)
{
    public static TheoryData<RespVersion> Protocols => new() { RespVersion.Resp2, RespVersion.Resp3 };

    public static TheoryData<RespVersion, int> Seeds => new() { { RespVersion.Resp2, 1 }, { RespVersion.Resp3, 2 }, { RespVersion.Resp2, 3 }, { RespVersion.Resp3, 4 } };

    private const double LatLimit = 85.05112878;

    private static string D(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    [Theory, MemberData(nameof(Protocols))]
    public void Geo_commands_and_errors_match_redis(RespVersion protocol)
    {
        using var h = new DifferentialHarness(servers, protocol);
        h.Run("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
        h.Run("ZRANGE", "Sicily", "0", "-1", "WITHSCORES");
        h.Run("TYPE", "Sicily");
        h.Run("GEOHASH", "Sicily", "Palermo", "Catania", "nope");
        h.Run("GEOHASH", "nokey", "a");
        h.Run("GEOPOS", "Sicily", "Palermo", "Catania", "nope");
        h.Run("GEOPOS", "nokey", "a", "b");
        foreach (var unit in new[] { "m", "km", "ft", "mi", "KM", "Mi", "x", "" }) h.Run("GEODIST", "Sicily", "Palermo", "Catania", unit);
        h.Run("GEODIST", "Sicily", "Palermo", "Catania");
        h.Run("GEODIST", "Sicily", "Palermo", "Catania", "km", "x");
        h.Run("GEODIST", "Sicily", "Palermo", "nope");
        h.Run("GEODIST", "nokey", "Palermo", "Catania");
        h.Run("GEODIST", "nokey", "Palermo", "Catania", "parsec");
        // GEOADD: options, ZADD's replies, the coordinate errors.
        h.Run("GEOADD", "Sicily", "200", "100", "x");
        h.Run("GEOADD", "Sicily", "10", "85.06", "x");
        h.Run("GEOADD", "Sicily", "-180.0001", "0", "x");
        h.Run("GEOADD", "Sicily", "inf", "2", "x");
        h.Run("GEOADD", "Sicily", "1e300", "2", "x");
        h.Run("GEOADD", "Sicily", "-0.0000001", "-90", "x");
        h.Run("GEOADD", "Sicily", "abc", "2", "x");
        h.Run("GEOADD", "Sicily", "1", "nan", "x");
        h.Run("GEOADD", "Sicily", "1", "2", "ok", "1", "200", "bad");
        h.Run("GEOADD", "Sicily", "NX", "XX", "1", "2", "x");
        h.Run("GEOADD", "Sicily", "1", "2");
        h.Run("GEOADD", "Sicily", "CH", "NX", "XX");
        h.Run("GEOADD", "Sicily", "ch", "ch", "ch");
        h.Run("GEOADD", "Sicily", "GT", "1", "2", "x");
        h.Run("GEOADD", "Sicily", "CH", "13.361389", "38.115556", "Palermo", "15", "37", "Catania");
        h.Run("GEOADD", "Sicily", "NX", "CH", "1", "1", "Palermo", "2", "2", "Agrigento");
        h.Run("GEOADD", "Sicily", "XX", "3", "3", "Agrigento", "4", "4", "Nowhere");
        h.Run("GEOADD", "Sicily", "XX", "CH", "13.361389", "38.115556", "Palermo");
        h.Run("GEOADD", "absent", "XX", "1", "1", "a");
        h.Run("EXISTS", "absent");
        h.Run("GEOADD", "Sicily", "180", LatLimit.ToString(CultureInfo.InvariantCulture), "ne", "-180", "-85.05112878", "sw", "0", "0", "zero", "-0", "-0", "negzero");
        h.Run("ZRANGE", "Sicily", "0", "-1", "WITHSCORES");
        h.Run("GEOPOS", "Sicily", "ne", "sw", "zero", "negzero");
        h.Run("GEOHASH", "Sicily", "ne", "sw", "zero", "negzero");
        // Scores that are no geohash still decode (C's double to uint64 conversion).
        h.Run("ZADD", "weird", "-5", "a", "1e20", "b", "1e300", "c", "inf", "d", "-inf", "e", "4503599627370496", "f", "123.75", "g", "9007199254740993", "h");
        h.Run("GEOPOS", "weird", "a", "b", "c", "d", "e", "f", "g", "h");
        h.Run("GEOHASH", "weird", "a", "b", "c", "d", "e", "f", "g", "h");
        h.Run("GEODIST", "weird", "a", "g", "km");
        h.Run("GEORADIUS", "weird", "0", "0", "30000", "km", "WITHHASH", "WITHCOORD", "WITHDIST");
        // Searches and their options.
        h.Run("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania", "13.583333", "37.316667", "Agrigento");
        h.Run("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "WITHCOORD", "WITHHASH", "ASC");
        h.Run("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHCOORD", "withdist");
        h.Run("GEORADIUS", "Sicily", "15", "37", "200", "km", "WITHDIST", "COUNT", "1", "DESC");
        h.Run("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "2");
        h.Run("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "2", "ANY");
        h.Run("GEORADIUS", "Sicily", "15", "37", "200", "km", "ANY");
        h.Run("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT");
        h.Run("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "0");
        h.Run("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "-3");
        h.Run("GEORADIUS", "Sicily", "15", "37", "200", "km", "COUNT", "x");
        h.Run("GEORADIUS", "Sicily", "15", "37", "200", "km", "FROMMEMBER", "Palermo");
        h.Run("GEORADIUS", "Sicily", "15", "37", "0", "km");
        h.Run("GEORADIUS", "Sicily", "15", "37", "-1", "km");
        h.Run("GEORADIUS", "Sicily", "15", "37", "x", "km");
        h.Run("GEORADIUS", "Sicily", "15", "37", "1", "yd");
        h.Run("GEORADIUS", "Sicily", "15", "99", "1", "km");
        h.Run("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE");
        h.Run("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst", "WITHDIST");
        h.Run("GEORADIUS", "Sicily", "15", "37", "200", "km", "STORE", "dst");
        h.Run("ZRANGE", "dst", "0", "-1", "WITHSCORES");
        h.Run("GEORADIUS", "Sicily", "15", "37", "200", "km", "STOREDIST", "dst", "COUNT", "2", "DESC");
        h.Run("ZRANGE", "dst", "0", "-1", "WITHSCORES");
        h.Run("GEORADIUS", "Sicily", "15", "37", "1", "m", "STORE", "dst");
        h.Run("EXISTS", "dst");
        h.Run("SET", "dst", "string");
        h.Run("GEORADIUS", "nokey", "15", "37", "200", "km", "STORE", "dst");
        h.Run("EXISTS", "dst");
        h.Run("GEORADIUS", "nokey", "15", "37", "200", "km");
        h.Run("GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "STORE", "dst");
        h.Run("GEORADIUS_RO", "Sicily", "15", "37", "200", "km", "WITHDIST", "ASC");
        h.Run("GEORADIUSBYMEMBER", "Sicily", "Palermo", "200", "km", "WITHDIST", "WITHCOORD");
        h.Run("GEORADIUSBYMEMBER", "Sicily", "nope", "200", "km");
        h.Run("GEORADIUSBYMEMBER", "Sicily", "Palermo", "-2", "km");
        h.Run("GEORADIUSBYMEMBER", "Sicily", "Palermo", "2", "light");
        h.Run("GEORADIUSBYMEMBER", "Sicily", "Palermo", "200", "km", "STOREDIST", "dst2");
        h.Run("ZRANGE", "dst2", "0", "-1", "WITHSCORES");
        h.Run("GEORADIUSBYMEMBER", "nokey", "x", "bad", "unit");
        h.Run("GEORADIUSBYMEMBER", "nokey", "x", "bad", "unit", "STORE", "dst2");
        h.Run("EXISTS", "dst2");
        h.Run("GEORADIUSBYMEMBER", "nokey", "x", "bad", "unit", "bogus");
        h.Run("GEORADIUSBYMEMBER_RO", "Sicily", "Agrigento", "100", "mi", "WITHDIST", "DESC");
        h.Run("GEORADIUSBYMEMBER_RO", "Sicily", "Agrigento", "100", "mi", "STOREDIST", "x");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "ASC", "WITHCOORD", "WITHDIST", "WITHHASH");
        h.Run("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "200", "km", "DESC");
        h.Run("GEOSEARCH", "Sicily", "frommember", "Palermo", "bybox", "100", "300", "mi", "count", "1");
        h.Run("GEOSEARCH", "Sicily", "FROMMEMBER", "nope", "BYRADIUS", "200", "km");
        h.Run("GEOSEARCH", "Sicily", "BYRADIUS", "400", "km");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37");
        h.Run("GEOSEARCH", "Sicily");
        h.Run("geosearch", "Sicily", "WITHDIST");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km");
        h.Run("GEOSEARCH", "Sicily", "FROMMEMBER", "Palermo", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "1", "km", "BYRADIUS", "1", "km");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "ANY");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "-1", "km");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "-1", "1", "km");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "-1", "km");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "x", "1", "km");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "x", "km");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "1", "1");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "x", "km");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "lightyear");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "370", "BYRADIUS", "1", "km");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "COUNT", "0");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "STORE", "x");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1", "km", "STOREDIST");
        h.Run("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "1000", "km", "COUNT", "2", "ANY", "DESC", "WITHDIST");
        h.Run("GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "m");
        h.Run("GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "-1", "m");
        h.Run("GEOSEARCH", "nokey", "FROMMEMBER", "x");
        h.Run("GEOSEARCHSTORE", "dst3", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "400", "km", "STOREDIST");
        h.Run("ZRANGE", "dst3", "0", "-1", "WITHSCORES");
        h.Run("GEOSEARCHSTORE", "dst3", "Sicily", "FROMMEMBER", "Palermo", "BYBOX", "400", "400", "km", "COUNT", "2");
        h.Run("ZRANGE", "dst3", "0", "-1", "WITHSCORES");
        h.Run("OBJECT", "ENCODING", "dst3");
        h.Run("GEOSEARCHSTORE", "dst3", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "400", "km", "WITHDIST");
        h.Run("GEOSEARCHSTORE", "dst3", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "400", "km", "STORE", "x");
        h.Run("GEOSEARCHSTORE", "dst3", "Sicily", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km");
        h.Run("EXISTS", "dst3");
        h.Run("GEOSEARCHSTORE", "dst3", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "km");
        h.Run("GEOSEARCHSTORE", "dst3", "nokey", "FROMLONLAT", "0", "0");
        // Option words and units compare as C strings (up to a NUL); numbers follow strtod; extreme sizes.
        h.Run("GEOADD", "nul", "nx\0zz", "1", "2", "a", "1", "2.0000001", "b");
        h.Run("GEODIST", "nul", "a", "b", "km\0q");
        h.Run("GEOSEARCH", "nul", "FROMLONLAT", "1", "2", "byradius\0", "1", "m\0x", "withdist\0");
        h.Run("GEOADD", "nul", "1.5e1", "0x10", "c");
        h.Run("GEOADD", "nul", " 1", "2", "d");
        h.Run("GEORADIUS", "nul", "0", "0", "1e400", "m");
        h.Run("GEORADIUS", "nul", "0", "0", "inf", "m");
        h.Run("GEOSEARCH", "nul", "FROMLONLAT", "0", "0", "BYBOX", "inf", "inf", "m");
        h.Run("GEOSEARCH", "nul", "FROMLONLAT", "1", "2", "BYBOX", "0", "0", "m", "WITHDIST");
        h.Run("GEOSEARCH", "nul", "FROMMEMBER", "a", "BYRADIUS", "0", "m", "WITHDIST", "WITHCOORD");
        h.Run("GEOSEARCH", "nul", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "m", "COUNT", "9223372036854775807");
        h.Run("GEOSEARCH", "nul", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "m", "COUNT", "9223372036854775808");
        h.Run("GEODIST", "nul", "a", "a");
        // Wrong types.
        h.Run("SET", "str", "x");
        foreach (var cmd in new[]
        {
            new[] { "GEOADD", "str", "1", "2", "x" }, ["GEOADD", "str", "1", "200", "x"], ["GEOPOS", "str", "a"], ["GEOHASH", "str", "a"],
            ["GEODIST", "str", "a", "b"], ["GEODIST", "str", "a", "b", "furlong"], ["GEORADIUS", "str", "1000", "2", "x", "y"],
            ["GEORADIUSBYMEMBER", "str", "a", "1", "m"], ["GEOSEARCH", "str", "FROMMEMBER", "a", "BYRADIUS", "1", "m"],
            ["GEOSEARCHSTORE", "d", "str", "FROMMEMBER", "a", "BYRADIUS", "1", "m"], ["GEOSEARCHSTORE", "str", "Sicily", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "m"],
        }) h.Run(cmd);
        h.Run("TYPE", "str");
        // Arity errors come from the command table.
        h.Run("GEOADD", "k", "1", "2");
        h.Run("GEOPOS");
        h.Run("GEODIST", "k", "a");
        h.Run("GEORADIUS", "k", "1", "2", "3");
        h.Run("GEOSEARCH", "k");
        h.AssertNoDifferences();
    }

    [Theory, MemberData(nameof(Protocols))]
    public void Equal_distances_and_partial_sorts_keep_redis_order(RespVersion protocol)
    {
        using var h = new DifferentialHarness(servers, protocol);
        var rng = new Random(5);
        var spots = new[] { ("10", "20"), ("10.001", "20"), ("10.002", "20.001"), ("9.999", "19.999") };
        for (int i = 0; i < 300; i += 10)
        {
            var args = new List<string> { "GEOADD", "t" };
            for (int j = i; j < i + 10; j++)
            {
                var (lon, lat) = spots[rng.Next(spots.Length)];
                args.AddRange([lon, lat, "p" + j]);
            }
            h.Run(args.ToArray());
        }
        foreach (int count in new[] { 1, 2, 3, 5, 6, 7, 8, 10, 40, 41, 50, 100, 299, 300, 500 })
        {
            foreach (var order in new[] { "ASC", "DESC" })
            {
                h.Run("GEOSEARCH", "t", "FROMLONLAT", "10", "20", "BYRADIUS", "1000", "km", order, "COUNT", count.ToString(CultureInfo.InvariantCulture));
                h.Run("GEOSEARCH", "t", "FROMLONLAT", "10", "20", "BYRADIUS", "1000", "km", order, "COUNT", count.ToString(CultureInfo.InvariantCulture), "ANY");
                h.Run("GEOSEARCH", "t", "FROMLONLAT", "10.0005", "20", "BYBOX", "1000", "900", "km", order, "COUNT", count.ToString(CultureInfo.InvariantCulture), "WITHDIST");
            }
            h.Run("GEORADIUS", "t", "10", "20", "1000", "km", "COUNT", count.ToString(CultureInfo.InvariantCulture));
        }
        h.Run("GEOSEARCH", "t", "FROMLONLAT", "10", "20", "BYRADIUS", "1000", "km");
        h.Run("GEOSEARCH", "t", "FROMLONLAT", "10", "20", "BYRADIUS", "1000", "km", "DESC");
        // Antipodal points and radii around half the Earth: coinciding neighbour cells, distances near pi·R.
        for (int i = 0; i < 200; i += 20)
        {
            var args = new List<string> { "GEOADD", "w" };
            for (int j = i; j < i + 20; j++) args.AddRange([D(rng.NextDouble() * 360 - 180), D(rng.NextDouble() * 170 - 85), "w" + j]);
            h.Run(args.ToArray());
        }
        h.Run("GEOADD", "w", "0", "0", "o", "180", "0", "anti", "-180", "0", "anti2", "90", "0", "q");
        foreach (var r in new[] { "20000", "20100", "40000", "19000", "5000" })
        {
            foreach (var count in new[] { Array.Empty<string>(), ["COUNT", "5"], ["COUNT", "50"] })
            {
                h.Run(["GEOSEARCH", "w", "FROMLONLAT", "0", "0", "BYRADIUS", r, "km", "WITHDIST", "ASC", .. count]);
                h.Run(["GEOSEARCH", "w", "FROMLONLAT", "0", "0", "BYBOX", r, r, "km", "WITHDIST", "DESC", .. count]);
                h.Run(["GEORADIUS", "w", "0", "0", r, "km", "WITHDIST", .. count]);
                h.Run(["GEORADIUS", "w", "179", "84", r, "km", "WITHDIST", .. count]);
            }
        }
        h.AssertNoDifferences();
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Random_geo_workload_matches_redis(RespVersion protocol, int seed)
    {
        using var h = new DifferentialHarness(servers, protocol);
        var rng = new Random(seed);
        double Uniform(double lo, double hi) => lo + rng.NextDouble() * (hi - lo);
        double Sign() => rng.Next(2) == 0 ? 1 : -1;
        double Lon() => rng.NextDouble() < 0.15
            ? (rng.NextDouble() < 0.3 ? new[] { 180, -180, 179.9999999, -179.9999999 }[rng.Next(4)] : Uniform(175, 180) * Sign())
            : Uniform(-180, 180);
        double Lat() => rng.NextDouble() < 0.15
            ? (rng.NextDouble() < 0.3 ? LatLimit * Sign() : Uniform(80, LatLimit) * Sign())
            : Uniform(-LatLimit, LatLimit);
        int n = new[] { 60, 120, 300, 600 }[seed % 4]; // 128 members is where the set leaves the packed form
        double clusterLon = 0, clusterLat = 0;
        for (int i = 0; i < n; i++)
        {
            double lon, lat;
            if (i > 0 && rng.NextDouble() < 0.5)
            {
                double spread = new[] { 0.001, 0.1, 2 }[rng.Next(3)];
                lon = Math.Clamp(clusterLon + (rng.NextDouble() - 0.5) * spread, -180, 180);
                lat = Math.Clamp(clusterLat + (rng.NextDouble() - 0.5) * spread, -LatLimit, LatLimit);
            }
            else
            {
                (lon, lat) = (Lon(), Lat());
                (clusterLon, clusterLat) = (lon, lat);
            }
            h.Run("GEOADD", "g", D(lon), D(lat), "m" + i);
        }
        h.Run("GEOADD", "g", "10", "10", "dupA", "10", "10", "dupB", "10", "10", "dupC", "10.0000001", "10", "dupD");
        string Member() => "m" + rng.Next(n);
        var units = new[] { ("m", 1.0), ("km", 1000.0), ("ft", 0.3048), ("mi", 1609.34) };
        for (int q = 0; q < 250; q++)
        {
            var (unit, perUnit) = units[rng.Next(units.Length)];
            double radius = Math.Pow(10, Uniform(0, Math.Log10(5e6))) / perUnit;
            var options = new List<string>();
            foreach (var o in new[] { "WITHDIST", "WITHCOORD", "WITHHASH" })
            {
                if (rng.NextDouble() < 0.4) options.Add(o);
            }
            if (rng.NextDouble() < 0.5) options.Add(rng.Next(2) == 0 ? "ASC" : "DESC");
            if (rng.NextDouble() < 0.4)
            {
                options.AddRange(["COUNT", new[] { 1, 2, 3, 5, 10, 50 }[rng.Next(6)].ToString(CultureInfo.InvariantCulture)]);
                if (rng.NextDouble() < 0.3) options.Add("ANY");
            }
            double kind = rng.NextDouble();
            if (kind < 0.25)
            {
                h.Run(["GEORADIUS", "g", D(Lon()), D(Lat()), D(radius), unit, .. options]);
            }
            else if (kind < 0.4)
            {
                h.Run(["GEORADIUSBYMEMBER", "g", Member(), D(radius), unit, .. options]);
            }
            else
            {
                string[] from = rng.NextDouble() < 0.4 ? ["FROMMEMBER", Member()] : ["FROMLONLAT", D(Lon()), D(Lat())];
                string[] by = rng.NextDouble() < 0.5
                    ? ["BYRADIUS", D(radius), unit]
                    : ["BYBOX", D(radius * Uniform(0.2, 3)), D(radius * Uniform(0.2, 3)), unit];
                if (rng.NextDouble() < 0.15)
                {
                    h.Run(["GEOSEARCHSTORE", "dst", "g", .. from, .. by, .. options.Where(o => !o.StartsWith("WITH", StringComparison.Ordinal)), .. rng.Next(2) == 0 ? new[] { "STOREDIST" } : []]);
                    h.Run("ZRANGE", "dst", "0", "-1", "WITHSCORES");
                }
                else
                {
                    h.Run(["GEOSEARCH", "g", .. from, .. by, .. options]);
                }
            }
        }
        for (int q = 0; q < 40; q++) h.Run("GEODIST", "g", Member(), Member(), units[rng.Next(units.Length)].Item1);
        h.Run(["GEOPOS", "g", .. Enumerable.Range(0, n).Select(i => "m" + i)]);
        h.Run(["GEOHASH", "g", .. Enumerable.Range(0, n).Select(i => "m" + i)]);
        h.Run("ZRANGE", "g", "0", "-1", "WITHSCORES");
        h.AssertNoDifferences();
    }

    [Fact]
    public void Geo_writes_publish_the_events_redis_publishes()
    {
        string[][] script =
        [
            ["GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
            ["GEOADD", "g", "NX", "1", "1", "Palermo"],
            ["GEOADD", "g", "XX", "CH", "1", "1", "Palermo"],
            ["GEOSEARCHSTORE", "s1", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "500", "km"],
            ["GEOSEARCHSTORE", "s1", "g", "FROMLONLAT", "-70", "0", "BYRADIUS", "1", "km"],
            ["GEORADIUS", "g", "15", "37", "500", "km", "STORE", "s2"],
            ["GEORADIUSBYMEMBER", "g", "Catania", "500", "km", "STOREDIST", "s3"],
            ["GEORADIUS", "nokey", "15", "37", "500", "km", "STORE", "s2"],
            ["GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "500", "km"],
        ];
        var ours = Events(servers.Arrakis, script);
        var theirs = Events(servers.Redis, script);
        Assert.Equal(theirs, ours);
        Assert.Contains("__keyevent@6__:geosearchstore s1", theirs);
    }

    private static List<string> Events(ServerProcess server, string[][] script) =>
        KeyspaceNotificationDifferentialTests.CollectEvents(server, "KEA", db: 6, "__key*@6__:*", admin =>
        {
            foreach (var cmd in script) admin.CallRaw(cmd.Select(Encoding.UTF8.GetBytes).ToArray());
        });
}
