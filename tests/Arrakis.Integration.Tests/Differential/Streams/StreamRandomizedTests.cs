using System.Globalization;
using Arrakis.Integration.Tests.Infrastructure;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Differential.Streams;

/// <summary>A seeded random sequence of stream writes and reads against redis-server 7.0, reply by reply:
/// enough entries to split nodes (by count and by bytes), deletions that empty nodes, exact and
/// approximate trims with LIMIT, groups read, acknowledged, claimed and auto-claimed; XINFO (with
/// radix-tree-nodes, lag and entries-read) compared exactly, times with tolerance.</summary>
[Collection("servers")]
public sealed class StreamRandomizedTests(ServerPairFixture servers)
{
    public static TheoryData<RespVersion, int> Seeds => new() { { RespVersion.Resp2, 1 }, { RespVersion.Resp3, 2 }, { RespVersion.Resp2, 3 }, { RespVersion.Resp3, 4 } };

    private static string S(long v) => v.ToString(CultureInfo.InvariantCulture);

    [Theory, MemberData(nameof(Seeds))]
    public void Random_stream_workload_matches_redis(RespVersion protocol, int seed)
    {
        using var h = new DifferentialHarness(servers, protocol);
        var rng = new Random(seed);
        long ms = rng.Next(1, 1000);
        long seq = 0;
        var ids = new List<string>();
        string[] fieldSets = ["a", "b", "c"];
        string[] groups = ["g1", "g2"];
        string[] consumers = ["c1", "c2", "c3"];
        string key = "s" + seed;
        foreach (var g in groups) h.Run("XGROUP", "CREATE", key, g, "0", "MKSTREAM");
        for (int step = 0; step < 1500; step++)
        {
            int op = rng.Next(100);
            if (op < 45)
            {
                if (rng.Next(4) == 0) { ms += rng.Next(1, 100000); seq = 0; } else seq += rng.Next(1, 3);
                string id = rng.Next(10) == 0 ? $"{ms}-*" : $"{ms}-{seq}";
                var args = new List<string> { "XADD", key };
                if (rng.Next(15) == 0) args.AddRange(["MAXLEN", rng.Next(2) == 0 ? "~" : "=", S(rng.Next(50, 400))]);
                else if (rng.Next(25) == 0) args.AddRange(["MAXLEN", "~", S(rng.Next(0, 300)), "LIMIT", S(rng.Next(0, 250))]);
                else if (rng.Next(30) == 0 && ids.Count > 0) args.AddRange(["MINID", "~", ids[rng.Next(ids.Count)]]);
                args.Add(id);
                int nf = rng.Next(1, 4);
                bool same = rng.Next(3) != 0;
                for (int f = 0; f < nf; f++)
                {
                    args.Add(same ? fieldSets[f] : "f" + rng.Next(5));
                    args.Add(rng.Next(6) switch { 0 => S(rng.NextInt64(-100000, 100000)), 1 => new string('v', rng.Next(0, 300)), 2 => "", 3 when rng.Next(20) == 0 => new string('w', rng.Next(3000, 6000)), _ => "val" + rng.Next(1000) });
                }
                h.Run(args.ToArray());
                if (id.EndsWith('*')) seq = -1; // the next explicit sequence is unknown: move on
                if (id.EndsWith('*')) { ms++; seq = 0; }
                ids.Add($"{ms}-{Math.Max(seq, 0)}");
            }
            else if (op < 52 && ids.Count > 0)
            {
                var args = new List<string> { "XDEL", key };
                for (int i = rng.Next(1, 6); i > 0; i--) args.Add(ids[rng.Next(ids.Count)]);
                h.Run(args.ToArray());
            }
            else if (op < 55)
            {
                if (rng.Next(2) == 0) h.Run([.. new[] { "XTRIM", key, "MAXLEN", rng.Next(2) == 0 ? "~" : "=", S(rng.Next(0, 300)) }, .. (rng.Next(3) == 0 ? new[] { "LIMIT", S(rng.Next(0, 300)) } : [])]);
                else if (ids.Count > 0) h.Run("XTRIM", key, "MINID", rng.Next(2) == 0 ? "~" : "=", ids[rng.Next(ids.Count)]);
            }
            else if (op < 65 && ids.Count > 1)
            {
                string a = rng.Next(5) == 0 ? "-" : (rng.Next(3) == 0 ? "(" : "") + ids[rng.Next(ids.Count)];
                string b = rng.Next(5) == 0 ? "+" : (rng.Next(3) == 0 ? "(" : "") + ids[rng.Next(ids.Count)];
                if (rng.Next(2) == 0) h.Run("XRANGE", key, a, b, "COUNT", S(rng.Next(1, 30)));
                else h.Run("XREVRANGE", key, b, a, "COUNT", S(rng.Next(1, 30)));
            }
            else if (op < 75)
            {
                string g = groups[rng.Next(2)], c = consumers[rng.Next(3)];
                if (rng.Next(4) == 0) h.Run("XREADGROUP", "GROUP", g, c, "COUNT", S(rng.Next(1, 20)), "STREAMS", key, "0");
                else h.Run(Compare.NearTimes, [.. new[] { "XREADGROUP", "GROUP", g, c }, .. (rng.Next(6) == 0 ? new[] { "NOACK" } : []), "COUNT", S(rng.Next(1, 20)), "STREAMS", key, ">"]);
            }
            else if (op < 82 && ids.Count > 0)
            {
                var args = new List<string> { "XACK", key, groups[rng.Next(2)] };
                for (int i = rng.Next(1, 5); i > 0; i--) args.Add(ids[rng.Next(ids.Count)]);
                h.Run(args.ToArray());
            }
            else if (op < 86 && ids.Count > 0)
            {
                var args = new List<string> { "XCLAIM", key, groups[rng.Next(2)], consumers[rng.Next(3)], "0" };
                for (int i = rng.Next(1, 4); i > 0; i--) args.Add(ids[rng.Next(ids.Count)]);
                args.AddRange(["TIME", S(rng.Next(1, 100000))]);
                if (rng.Next(2) == 0) args.Add("JUSTID");
                if (rng.Next(3) == 0) args.AddRange(["RETRYCOUNT", S(rng.Next(0, 9))]);
                h.Run(args.ToArray());
            }
            else if (op < 89)
            {
                h.Run("XAUTOCLAIM", key, groups[rng.Next(2)], consumers[rng.Next(3)], "0", ids.Count > 0 && rng.Next(2) == 0 ? ids[rng.Next(ids.Count)] : "0", "COUNT", S(rng.Next(1, 10)), "JUSTID");
            }
            else if (op < 93)
            {
                h.Run("XPENDING", key, groups[rng.Next(2)]);
                h.Run(Compare.NearTimes, "XPENDING", key, groups[rng.Next(2)], "-", "+", S(rng.Next(1, 20)));
            }
            else if (op < 96)
            {
                h.Run("XINFO", "STREAM", key);
                h.Run("XINFO", "GROUPS", key);
            }
            else if (op < 97) h.Run(Compare.NearTimes, "XINFO", "STREAM", key, "FULL", "COUNT", S(rng.Next(0, 20)));
            else if (op < 98 && ids.Count > 0) h.Run("XGROUP", "SETID", key, groups[rng.Next(2)], ids[rng.Next(ids.Count)]);
            else if (op < 99) h.Run("XLEN", key);
            else h.Run("XREAD", "COUNT", S(rng.Next(1, 10)), "STREAMS", key, ids.Count > 0 ? ids[rng.Next(ids.Count)] : "0");
        }
        h.Run("XINFO", "STREAM", key);
        h.Run("XINFO", "GROUPS", key);
        h.Run("XRANGE", key, "-", "+");
        h.AssertNoDifferences();
    }
}
