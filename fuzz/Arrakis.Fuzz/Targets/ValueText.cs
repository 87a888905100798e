using System.Globalization;
using Arrakis.Persistence.Rdb;

namespace Arrakis.Fuzz.Targets;

/// <summary>A canonical text of an <see cref="RdbValue"/>: order-insensitive for sets and hashes, zsets by (score, member).</summary>
internal static class ValueText
{
    public static string Of(RdbValue v)
    {
        static string H(byte[] b) => Convert.ToHexString(b);
        return v.Kind switch
        {
            RdbValueKind.String => "string:" + H(v.String!),
            RdbValueKind.List => "list:" + string.Join(",", v.Elements!.Select(H)),
            RdbValueKind.Set => "set:" + string.Join(",", v.Elements!.Select(H).Order(StringComparer.Ordinal)),
            RdbValueKind.Hash => "hash:" + string.Join(",", v.Pairs!.Select(p => H(p.Key) + "=" + H(p.Value)).Order(StringComparer.Ordinal)),
            _ => "zset:" + string.Join(",", v.Scored!.OrderBy(p => p.Value).ThenBy(p => H(p.Key), StringComparer.Ordinal)
                .Select(p => H(p.Key) + "=" + p.Value.ToString("R", CultureInfo.InvariantCulture))),
        };
    }
}
