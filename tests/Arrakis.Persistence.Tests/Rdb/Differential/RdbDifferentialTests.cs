using System.Diagnostics;
using Arrakis.Persistence.Rdb;
using Arrakis.Persistence.Rdb.Format;

namespace Arrakis.Persistence.Tests.Rdb.Differential;

/// <summary>
/// Differential tests against Debian's redis-server 7.0 / redis-check-rdb (installed by tests/run.sh):
/// our files load in Redis with the same keyspace, Redis's files read back equal, DUMP/RESTORE
/// payloads cross both ways.
/// </summary>
public sealed class RdbDifferentialTests
{
    private static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void OurRdb_PassesRedisCheckRdb_AndLoadsIntoRedisWithTheSameKeyspace(bool compress)
    {
        var entries = KeyspaceVariety.Build(NowMs);
        var dir = Directory.CreateTempSubdirectory("arrakis-rdb-ours-").FullName;
        var path = Path.Combine(dir, "ours.rdb");
        using (var f = File.Create(path)) KeyspaceVariety.Write(new RdbWriter(f, compress), entries);

        var (code, output) = Run("/usr/bin/redis-check-rdb", path);
        Assert.True(code == 0 && output.Contains("RDB looks OK", StringComparison.Ordinal), output);

        using var server = RedisServerProcess.Start(dir, "ours.rdb");
        using var c = server.Connect();
        var actual = KeyspaceSnapshot.FromServer(c, stringEncodings: true);
        var expected = KeyspaceSnapshot.FromEntries(entries, stringEncodings: true);
        AssertSame(expected, actual);
    }

    [Fact]
    public void RedisSave_ReadsBackEqual_WithEncodings()
    {
        var entries = KeyspaceVariety.Build(NowMs);
        using var server = RedisServerProcess.Start();
        using var c = server.Connect();
        KeyspaceVariety.Load(c, entries);
        var live = KeyspaceSnapshot.FromServer(c, stringEncodings: false);
        Assert.Equal("OK", c.Ok("SAVE"));

        var read = new List<RdbEntry>();
        using (var f = File.OpenRead(server.DbPath))
        {
            var reader = new RdbReader(f);
            RdbReadStatus status;
            while ((status = reader.ReadNext(out var e)) == RdbReadStatus.Ok) read.Add(e!);
            Assert.True(status == RdbReadStatus.End, $"{status}: {reader.Error}");
            Assert.Equal(10, reader.Version);
            Assert.Contains(reader.Aux, a => a.Key == "redis-ver" && System.Text.Encoding.ASCII.GetString(a.Value) == "7.0.15");
        }
        AssertSame(live, KeyspaceSnapshot.FromEntries(read, stringEncodings: false));
        AssertSame(KeyspaceSnapshot.FromEntries(entries, stringEncodings: false), live);
        var bigList = read.Single(e => e.Key.AsSpan().SequenceEqual("list:big"u8));
        Assert.Equal(3000, bigList.Value.Elements!.Count);
    }

    [Fact]
    public void Dump_FromRedisDecodes_AndOurPayloadsRestoreEqual()
    {
        var entries = KeyspaceVariety.Build(NowMs).Where(e => e.Db == 0).ToList();
        using var server = RedisServerProcess.Start();
        using var c = server.Connect();
        KeyspaceVariety.Load(c, entries);
        foreach (var e in entries)
        {
            var dump = (byte[])c.Ok("DUMP", e.Key)!;
            var status = RdbPayload.TryDecode(dump, out var decoded, out var error);
            Assert.True(status == RdbReadStatus.Ok, $"{Convert.ToHexString(e.Key)}: {status} {error}");
            Assert.Equal(RdbTestValues.Canonical(e.Value), RdbTestValues.Canonical(decoded!));
            if (e.Value.Kind is not RdbValueKind.String and not RdbValueKind.List) Assert.Equal(e.Value.Hint, decoded!.Hint);

            var copy = "restored:"u8.ToArray().Concat(e.Key).ToArray();
            Assert.Equal("OK", c.Call("RESTORE", copy, 0, RdbPayload.Encode(e.Value)));
            Assert.Equal(RdbTestValues.Canonical(e.Value), RdbTestValues.Canonical(KeyspaceSnapshot.ReadValue(c, copy)));
            Assert.Equal(c.Ok("OBJECT", "ENCODING", e.Key), c.Ok("OBJECT", "ENCODING", copy), new BytesComparer());
        }
    }

    [Fact]
    public void RedisStreams_AreRead_AndFunctions_AreReportedUnsupportedByName()
    {
        using var server = RedisServerProcess.Start();
        using var c = server.Connect();
        c.Ok("SET", "before", "1");
        c.Ok("XADD", "stream", "5-1", "field", "value");
        c.Ok("XGROUP", "CREATE", "stream", "g", "0");
        c.Ok("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "stream", ">");
        Assert.Equal("OK", c.Ok("SAVE"));
        var (status, entries, reader) = RdbFileBuilder.ReadAll(File.ReadAllBytes(server.DbPath));
        Assert.True(status == RdbReadStatus.End, reader.Error);
        var stream = entries.Single(e => e.Key.AsSpan().SequenceEqual("stream"u8)).Value.Stream!;
        Assert.Equal(1UL, stream.Length);
        Assert.Equal((5UL, 1UL), stream.LastId);
        Assert.Single(stream.Groups[0].Consumers[0].Pending);
        var dump = (byte[])c.Ok("DUMP", "stream")!;
        Assert.Equal(RdbReadStatus.Ok, RdbPayload.TryDecode(dump, out var decoded, out _));
        Assert.Equal(dump, RdbPayload.Encode(decoded!));

        c.Ok("DEL", "stream");
        // Function libraries are read (the server loads them).
        const string library = "#!lua name=lib\nredis.register_function('f', function() return 1 end)";
        c.Ok("FUNCTION", "LOAD", library);
        Assert.Equal("OK", c.Ok("SAVE"));
        (status, _, reader) = RdbFileBuilder.ReadAll(File.ReadAllBytes(server.DbPath));
        Assert.Equal(RdbReadStatus.End, status);
        Assert.Equal(library, System.Text.Encoding.UTF8.GetString(Assert.Single(reader.Functions)));
    }

    [Fact]
    public void Restore_RejectsOurPayloadWithFlippedByte_AsRedisDoes()
    {
        using var server = RedisServerProcess.Start();
        using var c = server.Connect();
        var payload = RdbPayload.Encode(RdbTestValues.List("a", "b"));
        payload[2] ^= 0x40;
        var reply = Assert.IsType<RespError>(c.Call("RESTORE", "k", 0, payload));
        Assert.Contains("DUMP payload version or checksum are wrong", reply.Message, StringComparison.Ordinal);
        Assert.Equal(RdbReadStatus.BadChecksum, RdbPayload.TryDecode(payload, out _, out _));
    }

    [Fact]
    public void QuicklistNodes_SplitExactlyAsRedisRpushDoes()
    {
        var entries = KeyspaceVariety.Build(NowMs).Where(e => e.Db == 0 && e.Value.Kind == RdbValueKind.List).ToList();
        using var server = RedisServerProcess.Start();
        using var c = server.Connect();
        KeyspaceVariety.Load(c, entries);
        foreach (var e in entries)
        {
            var theirs = QuicklistNodes((byte[])c.Ok("DUMP", e.Key)!);
            var ours = QuicklistNodes(RdbPayload.Encode(e.Value));
            Assert.Equal(theirs.Count, ours.Count);
            for (int i = 0; i < ours.Count; i++) Assert.Equal(theirs[i], ours[i]);
        }
        Assert.True(QuicklistNodes((byte[])c.Ok("DUMP", "list:big")!).Count > 5);
    }

    [Fact]
    public void SkiplistZsetPayload_EqualsRedisDumpByteForByte_WrittenFromTheTail()
    {
        var entries = KeyspaceVariety.Build(NowMs).Where(e => e.Key.AsSpan().SequenceEqual("zset:big"u8) || e.Key.AsSpan().SequenceEqual("zset:129"u8)).ToList();
        Assert.Equal(2, entries.Count);
        using var server = RedisServerProcess.Start();
        using var c = server.Connect();
        KeyspaceVariety.Load(c, entries);
        foreach (var e in entries)
        {
            c.Ok("SELECT", e.Db);
            Assert.Equal(Convert.ToHexString((byte[])c.Ok("DUMP", e.Key)!), Convert.ToHexString(RdbPayload.Encode(e.Value)));
        }
    }

    /// <summary>The (container, decompressed node bytes) of a QUICKLIST_2 payload.</summary>
    private static List<string> QuicklistNodes(byte[] payload)
    {
        var input = new RdbInput(new MemoryStream(payload), 1 << 30);
        Assert.True(input.TryReadByte(out byte type) && type == RdbFormat.TypeListQuicklist2);
        Assert.True(input.TryReadLength(out ulong count, out _));
        var nodes = new List<string>();
        for (ulong i = 0; i < count; i++)
        {
            Assert.True(input.TryReadLength(out ulong container, out _));
            Assert.True(input.TryReadString(out byte[] blob));
            nodes.Add(container + ":" + Convert.ToHexString(blob));
        }
        return nodes;
    }

    private static void AssertSame(SortedDictionary<string, KeyState> expected, SortedDictionary<string, KeyState> actual)
    {
        Assert.True(expected.Count > 40, $"only {expected.Count} keys compared");
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (k, e) in expected) Assert.Equal(e, actual[k]);
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(60000))
        {
            p.Kill();
            return (-1, "timeout");
        }
        return (p.ExitCode, stdout + stderr.Result);
    }

    private sealed class BytesComparer : IEqualityComparer<object?>
    {
        public new bool Equals(object? x, object? y) => x is byte[] a && y is byte[] b ? a.AsSpan().SequenceEqual(b) : object.Equals(x, y);

        public int GetHashCode(object? obj) => 0;
    }
}
