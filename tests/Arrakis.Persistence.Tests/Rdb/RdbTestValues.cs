using System.Text;
using Arrakis.Persistence.Rdb;

namespace Arrakis.Persistence.Tests.Rdb;

/// <summary>Builders and comparisons of <see cref="RdbValue"/> for tests.</summary>
internal static class RdbTestValues
{
    public static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    public static RdbValue Str(string s) => RdbValue.FromString(B(s));

    public static RdbValue List(params string[] items) => RdbValue.FromList(items.Select(B).ToList());

    public static RdbValue Set(RdbEncodingHint hint, params string[] items) => RdbValue.FromSet(items.Select(B).ToList(), hint);

    public static RdbValue Hash(RdbEncodingHint hint, params (string F, string V)[] pairs) =>
        RdbValue.FromHash(pairs.Select(p => new KeyValuePair<byte[], byte[]>(B(p.F), B(p.V))).ToList(), hint);

    public static RdbValue Zset(RdbEncodingHint hint, params (string M, double S)[] pairs) =>
        RdbValue.FromSortedSet(pairs.Select(p => new KeyValuePair<byte[], double>(B(p.M), p.S)).ToList(), hint);

    /// <summary>A canonical text form: strings and lists in order, sets/hashes sorted, zsets by (score, member).</summary>
    public static string Canonical(RdbValue v) => Arrakis.Fuzz.Targets.ValueText.Of(v);
}
