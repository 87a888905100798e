using System.Text;
using Arrakis.Protocol;
using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Behaviour;

/// <summary>
/// What the process and its keys cost in resident memory (issue 12's figures), read from /proc. tests/run.sh
/// runs this suite against the NativeAOT binary too, the form the server ships in. Runs alone (<see cref="MeasurementCollection"/>).
/// </summary>
[Collection(MeasurementCollection.Name)]
public sealed class MemoryFootprintTests
{
    private static bool Native => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ARRAKIS_SERVER_BINARY"));

    [Fact]
    public void The_empty_process_is_small()
    {
        using var server = ServerProcess.StartArrakis();
        using var c = new RespConnection(server.Port);
        Assert.Equal("PONG", c.Call("PING").Text);
        Thread.Sleep(500);
        long rss = server.ResidentBytes;
        // NativeAOT: no JIT and none of the framework's IL mapped (measured ~20 MB). The JIT build maps the
        // framework's images and the JIT itself (~55 MB): bounded so that it does not creep either.
        long limit = Native ? 25L << 20 : 70L << 20;
        Assert.True(rss <= limit, $"empty process: {rss >> 20} MiB resident (limit {limit >> 20} MiB)");
    }

    /// <summary>Pipelines <paramref name="commands"/> in batches and checks every reply.</summary>
    private static void Load(RespConnection c, IEnumerable<byte[][]> commands, string expectedPrefix)
    {
        var batch = new List<byte[]>();
        void Flush()
        {
            if (batch.Count == 0) return;
            c.SendRaw(batch.SelectMany(b => b).ToArray());
            for (int i = 0; i < batch.Count; i++)
            {
                var (_, raw) = c.ReadReply();
                Assert.StartsWith(expectedPrefix, Encoding.ASCII.GetString(raw));
            }
            batch.Clear();
        }
        foreach (var cmd in commands)
        {
            batch.Add(RespConnection.Encode(cmd));
            if (batch.Count == 5000) Flush();
        }
        Flush();
    }

    /// <summary>RSS after MEMORY PURGE (freed memory back to the OS, as loadgen/memory/bench.sh reads both servers).</summary>
    private static long Settled(ServerProcess server, RespConnection c)
    {
        Assert.Equal("OK", c.Call("MEMORY", "PURGE").Text);
        Thread.Sleep(500);
        return server.ResidentBytes;
    }

    [Fact]
    public void A_million_short_strings_take_at_most_92_bytes_each_and_lists_at_most_redis_s_18_6_less_a_byte()
    {
        using var server = ServerProcess.StartArrakis();
        using var c = new RespConnection(server.Port, timeoutMs: 60000);
        Assert.Equal("PONG", c.Call("PING").Text);
        long before = Settled(server, c);
        Load(c, Enumerable.Range(0, 1_000_000).Select(i => new[] { "SET"u8.ToArray(), Encoding.ASCII.GetBytes($"key:{i:D12}"), Encoding.ASCII.GetBytes($"v{i:D15}") }), "+OK");
        Assert.Equal(1_000_000, c.Call("DBSIZE").Integer);
        // The list load runs on a throwaway key before the baseline, twice with a pause, so that the JIT build's
        // compiled code for it (tier 0, then tier 1 compiled in the background) is not counted as list memory.
        for (int round = 0; round < 2; round++)
        {
            Load(c, Enumerable.Range(0, 200).Select(i => new[] { "RPUSH"u8.ToArray(), "warm"u8.ToArray() }
                .Concat(Enumerable.Range(0, 100).Select(j => Encoding.ASCII.GetBytes($"element{i * 100 + j:D9}"))).ToArray()), ":");
            Assert.Equal(20_000, c.Call("LLEN", "warm").Integer);
            Assert.Equal(1, c.Call("DEL", "warm").Integer);
            Thread.Sleep(500);
        }
        long strings = Settled(server, c);
        double perKey = (strings - before) / 1_000_000.0;
        // Valkey 8.0 measured 92 bytes per key for this load, Redis 7.0 123 (loadgen/memory/bench.sh).
        Assert.True(perKey <= 92, $"1M 16-byte strings: {perKey:F1} bytes per key");

        long usedBefore = UsedMemory(c);
        Load(c, Enumerable.Range(0, 10_000).Select(i => new[] { "RPUSH"u8.ToArray(), Encoding.ASCII.GetBytes($"list:{i % 10}") }
            .Concat(Enumerable.Range(0, 100).Select(j => Encoding.ASCII.GetBytes($"element{i * 100 + j:D9}"))).ToArray()), ":");
        Assert.Equal(100_000, c.Call("LLEN", "list:3").Integer);
        double perElement = (Settled(server, c) - strings) / 1_000_000.0;
        double accounted = (UsedMemory(c) - usedBefore) / 1_000_000.0;
        // Redis 7.0's quicklist: 18.6 bytes per 16-byte element in the same benchmark (RSS growth). What the lists
        // hold (our accounting: node buffers, node objects, node arrays; 17.2 since entries have no back-length, 18.2
        // before) must be at most that less the back-length's byte. Their RSS
        // growth is that plus where the collector's regions happen to land: 18.4 in quiet runs here, 18.7 in a CI
        // run beside the other test assemblies, 16.3-21.2 beside two busy CPUs (both ways: free pages left resident
        // before the baseline are reused by the load). So RSS gets Redis's figure plus 10%, the done-when's bound
        // for total RSS; loadgen/memory/bench.sh compares the two servers side by side.
        Assert.True(accounted <= 17.6, $"10 lists of 100k 16-byte elements: {accounted:F2} bytes per element accounted (used_memory)");
        Assert.True(perElement <= 18.6 * 1.1, $"10 lists of 100k 16-byte elements: {perElement:F1} bytes per element of RSS");
    }

    /// <summary>INFO memory's used_memory: the server's own accounting of what its data and clients hold.</summary>
    private static long UsedMemory(RespConnection c)
    {
        string line = c.Call("INFO", "memory").Text.Split("\r\n").Single(l => l.StartsWith("used_memory:", StringComparison.Ordinal));
        return long.Parse(line["used_memory:".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void A_big_sorted_set_takes_at_most_redis_s_112_bytes_per_member()
    {
        using var server = ServerProcess.StartArrakis();
        using var c = new RespConnection(server.Port, timeoutMs: 60000);
        Assert.Equal("PONG", c.Call("PING").Text);
        long before = Settled(server, c);
        const int members = 400_000;
        Load(c, Enumerable.Range(0, members / 100).Select(i => new[] { "ZADD"u8.ToArray(), "bigzset"u8.ToArray() }
            .Concat(Enumerable.Range(i * 100, 100).SelectMany(m => new[] { Encoding.ASCII.GetBytes((m % 99991).ToString()), Encoding.ASCII.GetBytes($"member{m:D6}") })).ToArray()), ":");
        Assert.Equal(members, c.Call("ZCARD", "bigzset").Integer);
        double perMember = (Settled(server, c) - before) / (double)members;
        // Redis 7.0's skip list and dict: 112.5 bytes per 12-byte member (loadgen/memory/bench.sh bigzset).
        Assert.True(perMember <= 112.5, $"a sorted set of {members} 12-byte members: {perMember:F1} bytes per member");
    }

    [Fact]
    public void Small_hashes_and_sorted_sets_take_at_most_what_redis_s_listpacks_take()
    {
        using var server = ServerProcess.StartArrakis();
        using var c = new RespConnection(server.Port, timeoutMs: 60000);
        Assert.Equal("PONG", c.Call("PING").Text);
        const int keys = 100_000;
        // Run the command paths once first: under the JIT build their compiled code (a few MB) would otherwise
        // count as memory the keys took.
        for (int w = 0; w < 200; w++)
        {
            c.Call(["HSET", "warm:h" + w, .. Enumerable.Range(0, 10).SelectMany(f => new[] { $"field{f:D3}", "val00000" })]);
            c.Call(["ZADD", "warm:z" + w, .. Enumerable.Range(0, 10).SelectMany(m => new[] { (m * 1.5).ToString(System.Globalization.CultureInfo.InvariantCulture), $"member{m:D2}" })]);
            c.Call("DEL", "warm:h" + w, "warm:z" + w);
        }
        long before = Settled(server, c);
        Load(c, Enumerable.Range(0, keys).Select(i => new[] { "HSET"u8.ToArray(), Encoding.ASCII.GetBytes($"hash:{i:D10}") }
            .Concat(Enumerable.Range(0, 10).SelectMany(f => new[] { Encoding.ASCII.GetBytes($"field{f:D3}"), Encoding.ASCII.GetBytes($"val{i % 100000:D5}") })).ToArray()), ":10");
        Assert.Equal("listpack", c.Call("OBJECT", "ENCODING", "hash:0000000007").Text);
        long hashes = Settled(server, c);
        double perHash = (hashes - before) / (double)keys;
        // Redis 7.0: 319 bytes per hash of 10 8-byte fields (loadgen/memory/bench.sh hashes).
        Assert.True(perHash <= 319, $"{keys} hashes of 10 fields: {perHash:F1} bytes per hash");

        Load(c, Enumerable.Range(0, keys).Select(i => new[] { "ZADD"u8.ToArray(), Encoding.ASCII.GetBytes($"zset:{i:D10}") }
            .Concat(Enumerable.Range(0, 10).SelectMany(m => new[] { Encoding.ASCII.GetBytes((m * 1.5 + i % 7).ToString(System.Globalization.CultureInfo.InvariantCulture)), Encoding.ASCII.GetBytes($"member{m:D2}") })).ToArray()), ":10");
        Assert.Equal("listpack", c.Call("OBJECT", "ENCODING", "zset:0000000007").Text);
        double perZset = (Settled(server, c) - hashes) / (double)keys;
        // Redis 7.0: 255 bytes per sorted set of 10 8-byte members (loadgen/memory/bench.sh zsets).
        Assert.True(perZset <= 255, $"{keys} sorted sets of 10 members: {perZset:F1} bytes per sorted set");
    }

    /// <summary>MEMORY STATS total.allocated: the managed heap's live bytes, record pages included.</summary>
    private static long LiveBytes(RespConnection c)
    {
        var stats = c.Call("MEMORY", "STATS").Items!.ToList();
        for (int i = 0; i + 1 < stats.Count; i += 2)
        {
            if (stats[i].Text == "total.allocated") return stats[i + 1].Integer;
        }
        throw new InvalidOperationException("MEMORY STATS has no total.allocated");
    }

    [Fact]
    public void Deleting_most_keys_gives_their_record_pages_back()
    {
        using var server = ServerProcess.StartArrakis();
        using var c = new RespConnection(server.Port, timeoutMs: 60000);
        Assert.Equal("PONG", c.Call("PING").Text);
        const int keys = 1_000_000;
        Load(c, Enumerable.Range(0, keys).Select(i => new[] { "SET"u8.ToArray(), Encoding.ASCII.GetBytes($"key:{i:D12}"), Encoding.ASCII.GetBytes($"v{i:D15}") }), "+OK");
        Settled(server, c);
        long full = LiveBytes(c);
        Load(c, Enumerable.Range(0, keys).Where(i => i % 10 != 0).Select(i => new[] { "DEL"u8.ToArray(), Encoding.ASCII.GetBytes($"key:{i:D12}") }), ":1");
        Assert.Equal(keys / 10, c.Call("DBSIZE").Integer);
        Settled(server, c);
        long after = LiveBytes(c);
        // 900k records of 40 bytes (36 MB) were freed. Compacted into fresh pages, the old pages go back to the
        // runtime (measured: 50 -> 17 MB of live data); without the compaction the freed records stayed on the
        // tables' free lists. The slots stay: each chunk keeps a live key, and slots keep their index for SCAN.
        Assert.True(full - after >= 25L << 20, $"{full >> 20} MiB live with {keys} keys, {after >> 20} MiB after deleting 90% and MEMORY PURGE");
        Assert.Equal($"v{90:D15}", c.Call("GET", $"key:{90:D12}").Text);
    }

    private static long AllocatedSinceStart(RespConnection c)
    {
        string stats = c.Call("MEMORY", "MALLOC-STATS").Text!;
        const string label = "total allocated since start: ";
        int at = stats.IndexOf(label, StringComparison.Ordinal);
        Assert.True(at >= 0, stats);
        int end = stats.IndexOf('\n', at);
        return long.Parse(stats.AsSpan(at + label.Length, end - at - label.Length), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Requests_one_at_a_time_through_the_network_path_allocate_nothing()
    {
        // Pipeline 1: every request is its own turn of the data-plane loop (poll, read, execute, send).
        // A closure made per turn once cost ~20 bytes per request and regular collections.
        using var server = ServerProcess.StartArrakis();
        using var c = new RespConnection(server.Port);
        Assert.Equal("OK", c.Call("SET", "k", "0123456789abcdef").Text);
        string[] get = ["GET", "k"], set = ["SET", "k", "0123456789abcdef"];
        for (int i = 0; i < 20_000; i++) Assert.NotEqual(RespType.Error, c.Call(i % 2 == 0 ? get : set).Type); // warm up
        long before = AllocatedSinceStart(c);
        const int requests = 20_000;
        for (int i = 0; i < requests; i++) c.Call(i % 2 == 0 ? get : set);
        long perRequest = (AllocatedSinceStart(c) - before) / requests;
        Assert.True(perRequest <= 2, $"{perRequest} bytes allocated per request");
    }
}
