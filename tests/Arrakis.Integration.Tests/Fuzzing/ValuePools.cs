using System.Globalization;
using System.Text;

namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// The values the generator draws from, all through one seeded <see cref="Random"/> (no global
/// randomness, so a seed replays exactly). Pools are small on purpose: six key names make types
/// collide (WRONGTYPE paths) and commands interact; small member/field pools make collections grow
/// and shrink; a wider member pool now and then pushes listpacks and intsets over their limits.
/// </summary>
internal sealed class ValuePools(Random rng)
{
    /// <summary>The key names; the keyspace dump and re-synchronisation only ever look at these.</summary>
    public static readonly string[] Keys = ["k0", "k1", "k2", "k3", "k4", "k5"];

    /// <summary>The general edge values (numbers at type limits, special doubles, empty and blank strings).</summary>
    public static readonly string[] Edges =
    [
        "0", "-1", "1", "2147483648", "-2147483648", "2147483647", "-2147483647",
        "9223372036854775807", "-9223372036854775807", "-9223372036854775808", "18446744073709551615",
        "18446744073709551616", "-0", "1e400", "-1e400", "nan", "inf", "-inf", "+inf", "0.5", "1e-400", "", " ",
    ];

    private static readonly string[] Members = ["a", "b", "c", "d", "e", "1", "2", "3", "-1", "10", "0.5", "A"];
    private static readonly string[] UnknownTokens = ["FOO", "NX", "XX", "WITHSCORES", "COUNT", "LIMIT", "REV", "BYLEX", "-"];
    private static readonly string[] Patterns = ["*", "k*", "k?", "k[0-2]", "*1*", "a*", "[", "\\", "[^a]*", "?", ""];
    private static readonly string[] RangeBounds = ["-", "+", "[a", "(b", "[c", "(1", "1", "-1", "0", "2", "(-inf", "-inf", "+inf", "inf", "5", "[", "(", "a"];
    private static readonly string[] ConfigParams =
    [
        "maxmemory", "hz", "maxmemory-policy", "list-max-listpack-size", "hash-max-listpack-entries", "hash-max-listpack-value",
        "set-max-intset-entries", "zset-max-listpack-entries", "zset-max-listpack-value", "notify-keyspace-events", "timeout",
        "databases", "appendonly", "no-such-parameter", "list-compress-depth", "lua-time-limit", "maxclients",
    ];

    public Random Rng { get; } = rng;

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => Rng.NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[Rng.Next(items.Count)];

    public byte[] Key() => Utf8(Pick(Keys));

    public byte[] Edge() => Utf8(Pick(Edges));

    /// <summary>Set/zset members, hash fields and list elements: mostly the small pool, sometimes a wider one.</summary>
    public byte[] Member() => Rng.Next(20) switch
    {
        0 => Utf8("m" + Rng.Next(300)),
        1 => Utf8(Rng.Next(-1000, 1000).ToString(CultureInfo.InvariantCulture)),
        2 => Utf8(new string('x', Rng.Next(60, 90))),
        _ => Utf8(Pick(Members)),
    };

    /// <summary>String values: small numbers, short words, sometimes long or binary, very rarely up to 1 MB.</summary>
    public byte[] Value() => Rng.Next(40) switch
    {
        < 10 => Utf8(Rng.Next(-20, 100).ToString(CultureInfo.InvariantCulture)),
        < 20 => Member(),
        < 24 => Utf8((Rng.Next(-400, 400) / 8.0).ToString("R", CultureInfo.InvariantCulture)),
        < 27 => Utf8(new string((char)('a' + Rng.Next(26)), Rng.Next(1, 200))),
        < 30 => Binary(),
        < 31 => Chance(0.02) ? new byte[Rng.Next(100_000, 1 << 20)] : new byte[Rng.Next(1000, 5000)],
        _ => Utf8("v" + Rng.Next(10)),
    };

    /// <summary>Integers: small indexes and counts mostly, limits sometimes.</summary>
    public byte[] Integer() => Chance(0.1) ? Edge() : Utf8(Rng.Next(-3, 12).ToString(CultureInfo.InvariantCulture));

    /// <summary>Doubles (scores, increments, min/max), including exclusive "(" bounds and infinities.</summary>
    public byte[] Double() => Rng.Next(12) switch
    {
        0 => Edge(),
        1 => Utf8(Pick(new[] { "-inf", "+inf", "inf", "(1", "(0", "(-inf", "1.5e2", "0x10", "1,5" })),
        2 => Utf8((Rng.Next(-40, 40) / 4.0).ToString("R", CultureInfo.InvariantCulture)),
        _ => Utf8(Rng.Next(-3, 10).ToString(CultureInfo.InvariantCulture)),
    };

    /// <summary>Lex/score/index range bounds for ZRANGE-style string bounds.</summary>
    public byte[] RangeBound() => Chance(0.1) ? Edge() : Utf8(Pick(RangeBounds));

    public byte[] Pattern() => Chance(0.1) ? Edge() : Utf8(Pick(Patterns));

    public byte[] ConfigParameter() => Utf8(Pick(ConfigParams));

    /// <summary>
    /// A relative expiry (seconds or milliseconds). Never a small positive number: a key that expires
    /// during the run would expire at slightly different moments on the two servers.
    /// </summary>
    public byte[] RelativeTime() => Utf8(Pick(new[]
    {
        "1000000", "100000000", "0", "-1", "-100", "2147483647", "2147483648", "-2147483648", "9223372036854775807",
        "-9223372036854775808", "9223372036854775", "18446744073709551616", "1e400", "nan", "abc", "", "1.5",
    }));

    /// <summary>An absolute Unix time: far past (deletes at once) or far future, or an invalid one; never "now".</summary>
    public byte[] UnixTime() => Utf8(Pick(new[]
    {
        "1", "0", "-1", "100", "4102444800", "4102444800000", "9223372036854775807", "-9223372036854775808",
        "9223372036854775", "1e400", "abc", "",
    }));

    /// <summary>A blocking timeout: always tiny or invalid, never 0 (or anything that rounds to "forever").</summary>
    public byte[] BlockingTimeout() => Utf8(Pick(new[] { "0.01", "0.02", "0.01", "-1", "-0.5", "abc", "nan", "1e400", "" }));

    /// <summary>A blocking timeout in milliseconds (XREAD BLOCK): tiny or invalid, never 0 (forever) nor a long wait.</summary>
    public byte[] BlockingMilliseconds() => Utf8(Pick(new[] { "10", "20", "10", "-1", "-100", "1.5", "abc", "nan", "1e400", "" }));

    public byte[] UnknownToken() => Utf8(Pick(UnknownTokens));

    public byte[] Binary()
    {
        var b = new byte[Rng.Next(1, 17)];
        Rng.NextBytes(b);
        if (Chance(0.5)) b[Rng.Next(b.Length)] = (byte)'\n';
        return b;
    }

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
