using System.Text;
using Arrakis.Persistence.Rdb;
using Arrakis.Persistence.Rdb.Encodings;

namespace Arrakis.Persistence.Tests.Rdb.Differential;

/// <summary>
/// Our LZF output against Debian's redis-server 7.0.15 (which links liblzf 3.6): DUMP payloads of
/// strings and HyperLogLogs are byte-identical, and so are the string records of an RDB file.
/// </summary>
public sealed class LzfDifferentialTests
{
    /// <summary>Strings of many shapes (runs, periods 1..300, text, zeros, incompressible, two letters, &gt; 8 KiB offsets, &gt; 64 KiB), fixed seed.</summary>
    public static List<byte[]> Corpus()
    {
        var rng = new Random(20261127);
        var list = new List<byte[]>();
        for (int len = 21; len <= 3000; len += len < 80 ? 1 : 97) list.Add(Enumerable.Repeat((byte)'a', len).ToArray());
        list.Add(Enumerable.Repeat((byte)'a', 500).ToArray());
        foreach (int period in new[] { 1, 2, 3, 4, 5, 7, 8, 13, 16, 17, 31, 32, 33, 64, 100, 127, 200, 255, 256, 263, 264, 265, 300 })
            foreach (int len in new[] { 21, 40, 300, 1000, 3000 })
            {
                var p = new byte[period];
                rng.NextBytes(p);
                list.Add(Enumerable.Range(0, len).Select(i => p[i % period]).ToArray());
            }
        for (int i = 0; i < 60; i++)
        {
            var b = new byte[rng.Next(21, 3001)];
            rng.NextBytes(b); // mostly incompressible: Redis stores these raw
            list.Add(b);
        }
        var words = "the quick brown fox jumps over lazy dog redis arrakis key value store log snapshot".Split(' ');
        for (int i = 0; i < 60; i++)
        {
            var sb = new StringBuilder();
            int len = rng.Next(21, 3001);
            while (sb.Length < len) sb.Append(words[rng.Next(words.Length)]).Append(rng.Next(4) == 0 ? ", " : " ");
            list.Add(Encoding.ASCII.GetBytes(sb.ToString(0, len)));
        }
        for (int i = 0; i < 60; i++)
        {
            var b = new byte[rng.Next(21, 3001)];
            for (int j = 0; j < b.Length; j++) b[j] = rng.Next(3) == 0 ? (byte)rng.Next(256) : (byte)0; // binary with zeros
            list.Add(b);
        }
        for (int i = 0; i < 40; i++)
        {
            // random mix of literals and copies from random distances, some beyond 8192
            var b = new List<byte>();
            int len = rng.Next(21, i < 20 ? 3001 : 40000);
            while (b.Count < len)
            {
                if (b.Count > 10 && rng.Next(2) == 0)
                {
                    int from = rng.Next(b.Count), n = rng.Next(1, 300);
                    for (int k = 0; k < n; k++) b.Add(b[from + k]);
                }
                else for (int k = rng.Next(1, 40); k > 0; k--) b.Add((byte)rng.Next(i % 2 == 0 ? 4 : 256));
            }
            list.Add(b.Take(len).ToArray());
        }
        for (int len = 21; len <= 140; len++)
        {
            // two-letter alphabet: short matches everywhere, also in the last 3..4 bytes
            var b = new byte[len];
            for (int j = 0; j < len; j++) b[j] = rng.Next(2) == 0 ? (byte)'x' : (byte)'y';
            list.Add(b);
        }
        var block = new byte[9000];
        rng.NextBytes(block);
        list.Add([.. block, .. block, .. block]);                        // repeats 9000 back: beyond MAX_OFF
        var small = new byte[3000];
        rng.NextBytes(small);
        list.Add([.. small, .. new byte[6000], .. small, .. small]);
        var big = new byte[70000];
        for (int j = 0; j < big.Length; j++) big[j] = (byte)(j * 7 % 251 ^ j >> 9);
        list.Add(big);                                                  // > 64 KiB
        list.Add(Enumerable.Repeat((byte)'x', 100000).ToArray());
        var bigText = new StringBuilder();
        while (bigText.Length < 80000) bigText.Append(words[rng.Next(words.Length)]).Append(' ');
        list.Add(Encoding.ASCII.GetBytes(bigText.ToString()));
        return list;
    }

    [Fact]
    public void StringDumps_EqualRedisByteForByte()
    {
        var corpus = Corpus();
        Assert.True(corpus.Count > 500, corpus.Count.ToString());
        using var server = RedisServerProcess.Start();
        using var c = server.Connect();
        var failures = new List<string>();
        int compressed = 0;
        for (int i = 0; i < corpus.Count; i++)
        {
            var s = corpus[i];
            c.Ok("SET", "k", s);
            var theirs = (byte[])c.Ok("DUMP", "k")!;
            var ours = RdbPayload.Encode(RdbValue.FromString(s));
            if (!theirs.AsSpan().SequenceEqual(ours))
                failures.Add($"#{i} len {s.Length}: redis {theirs.Length} bytes, ours {ours.Length}");
            if (theirs[1] == 0xC3) compressed++;
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {corpus.Count} differ:\n" + string.Join("\n", failures.Take(30)));
        Assert.True(compressed > corpus.Count / 2, $"only {compressed} compressed");
    }

    [Fact]
    public void Lzf_RoundTripsTheCorpus_AndNeedsAtLeastItsOwnLength()
    {
        foreach (var s in Corpus())
        {
            var output = new byte[s.Length + s.Length / 32 + 8];
            int n = Lzf.Compress(s, output);
            Assert.True(n > 0);
            var back = new byte[s.Length];
            Assert.True(Lzf.TryDecompress(output.AsSpan(0, n), back));
            Assert.Equal(s, back);
            // liblzf needs slack (its space tests are conservative), but never less room than it used
            Assert.Equal(0, Lzf.Compress(s, new byte[n - 1]));
            var roomy = new byte[n + 4];
            Assert.Equal(n, Lzf.Compress(s, roomy));
            Assert.Equal(output.AsSpan(0, n).ToArray(), roomy.AsSpan(0, n).ToArray());
        }
    }

    [Fact]
    public void HyperLogLogDumps_SparseAndDense_EqualRedis()
    {
        using var server = RedisServerProcess.Start();
        using var c = server.Connect();
        var rng = new Random(5);
        var sizes = new[] { 1, 3, 10, 50, 200, 1000, 5000, 20000 };
        foreach (int n in sizes)
        {
            c.Ok("DEL", "hll");
            for (int i = 0; i < n; i += 500)
                c.Ok([.. new object[] { "PFADD", "hll" }, .. Enumerable.Range(i, Math.Min(500, n - i)).Select(j => (object)$"e{j}:{rng.Next()}")]);
            var value = (byte[])c.Ok("GET", "hll")!;
            var theirs = (byte[])c.Ok("DUMP", "hll")!;
            var ours = RdbPayload.Encode(RdbValue.FromString(value));
            Assert.True(theirs.AsSpan().SequenceEqual(ours), $"HLL of {n} ({value.Length} bytes): redis {theirs.Length}, ours {ours.Length}");
        }
        c.Ok("DEL", "hll");
        c.Ok("PFADD", "hll", "a", "b", "c");
        var raw = (byte[])c.Ok("DUMP", "hll")!;
        Assert.NotEqual(0xC3, raw[1]); // Redis stores this small sparse HLL raw
    }

    [Fact]
    public void RdbFile_StringRecords_EqualRedisSave()
    {
        var corpus = Corpus().Where((_, i) => i % 3 == 0).ToList();
        using var server = RedisServerProcess.Start();
        using var c = server.Connect();
        var entries = new List<RdbEntry>();
        for (int i = 0; i < corpus.Count; i++)
        {
            var key = Encoding.ASCII.GetBytes($"key:{i}");
            c.Ok("SET", key, corpus[i]);
            entries.Add(new RdbEntry(0, key, 0, RdbValue.FromString(corpus[i]), 0, 0));
        }
        Assert.Equal("OK", c.Ok("SAVE"));
        var theirs = File.ReadAllBytes(server.DbPath);
        var ms = new MemoryStream();
        KeyspaceVariety.Write(new RdbWriter(ms, true), entries);
        var ours = ms.ToArray();
        foreach (var e in entries)
        {
            // type 0, key (short: one length byte), then the value as DUMP encodes it
            var payload = RdbPayload.Encode(e.Value);
            byte[] record = [0, (byte)e.Key.Length, .. e.Key, .. payload.AsSpan(1, payload.Length - 11)];
            Assert.True(theirs.AsSpan().IndexOf(record) >= 0, $"{Encoding.ASCII.GetString(e.Key)} not in Redis's file as we encode it");
            Assert.True(ours.AsSpan().IndexOf(record) >= 0, $"{Encoding.ASCII.GetString(e.Key)} not in our file");
        }
    }
}
