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
            RdbValueKind.Stream => Stream(v.Stream!),
            _ => "zset:" + string.Join(",", v.Scored!.OrderBy(p => p.Value).ThenBy(p => H(p.Key), StringComparer.Ordinal)
                .Select(p => H(p.Key) + "=" + p.Value.ToString("R", CultureInfo.InvariantCulture))),
        };
    }

    /// <summary>Everything a stream stores (whether it came from a 6.x file is not stored: it is written back as 7.0's type).</summary>
    private static string Stream(RdbStream s)
    {
        static string H(byte[] b) => Convert.ToHexString(b);
        var parts = new List<string> { $"stream:{s.Length} {s.LastId} {s.FirstId} {s.MaxDeletedId} {s.EntriesAdded}" };
        parts.AddRange(s.Nodes.Select(n => H(n.Key) + "=" + H(n.Listpack)));
        foreach (var g in s.Groups)
        {
            parts.Add($"group {H(g.Name)} {g.LastId} {g.EntriesRead} " + string.Join(",", g.Pending.Select(p => $"{H(p.Id)}/{p.DeliveryTime}/{p.DeliveryCount}")));
            parts.AddRange(g.Consumers.Select(c => $"consumer {H(c.Name)} {c.SeenTime} " + string.Join(",", c.Pending.Select(H))));
        }
        return string.Join("|", parts);
    }
}
