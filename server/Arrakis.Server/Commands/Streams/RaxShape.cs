namespace Arrakis.Server.Commands.Streams;

/// <summary>
/// How many nodes Redis's rax holds for a set of 16-byte stream node keys (XINFO STREAM's
/// radix-tree-nodes): the head, every branching prefix, every child of a branching prefix (where a
/// compressed run starts) and every key's leaf, as rax keeps them after insertions and removals.
/// </summary>
internal static class RaxShape
{
    public static long NodeCount(IReadOnlyList<StreamId> sortedKeys)
    {
        var keys = sortedKeys.Select(k => ((UInt128)k.Ms << 64) | k.Seq).ToList();
        var positions = new HashSet<(int Depth, UInt128 Prefix)> { (0, 0) };
        foreach (var k in keys) positions.Add((16, k));
        for (int i = 1; i < keys.Count; i++)
        {
            int lcp = CommonPrefix(keys[i - 1], keys[i]);
            positions.Add((lcp, Prefix(keys[i], lcp)));
            positions.Add((lcp + 1, Prefix(keys[i - 1], lcp + 1)));
            positions.Add((lcp + 1, Prefix(keys[i], lcp + 1)));
        }
        return positions.Count;
    }

    private static UInt128 Prefix(UInt128 key, int bytes) => bytes == 0 ? 0 : bytes >= 16 ? key : key >> (8 * (16 - bytes));

    private static int CommonPrefix(UInt128 a, UInt128 b)
    {
        UInt128 x = a ^ b;
        if (x == 0) return 16;
        return (int)UInt128.LeadingZeroCount(x) / 8;
    }
}
