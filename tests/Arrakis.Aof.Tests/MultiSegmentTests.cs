using System.Text;
using Arrakis.Aof.Tests.Infrastructure;

namespace Arrakis.Aof.Tests;

/// <summary>Directories written without a server: a base and two segments (the second starting mid-file), as a rewrite leaves them for an instant.</summary>
[Collection(ArrakisDirectoryCollection.Name)]
public sealed class MultiSegmentTests(ArrakisDirectoryFixture fixture)
{
    private string Build(long secondStartLsn = 6)
    {
        var b = new LogDirectoryBuilder(fixture.NewTemp()).Base("appendonly.aof.1.base.rdb", ("base1", "b"), ("k1", "old"));
        b.Segment("appendonly.aof.1.incr.arkl", 1, 0, 1,
            LogDirectoryBuilder.Set("k1", "v1"), LogDirectoryBuilder.Set("k2", "v2"), LogDirectoryBuilder.Set("k3", "v3"),
            [(1, ["SET", "tx1", "a"]), (1, ["RPUSH", "txlist", "x", "y"]), (0, ["DEL", "k2"])],
            LogDirectoryBuilder.Set("k5", "v5"));
        b.Segment("appendonly.aof.2.incr.arkl", 2, 8192, secondStartLsn,
            LogDirectoryBuilder.Set("k6", "v6", db: 2), LogDirectoryBuilder.Set("k7", "v7"), [(0, ["PEXPIREAT", "k7", "4102444800000"])]);
        return b.Save();
    }

    [Fact]
    public void Check_BaseAndTwoSegments_IsValidWithLsnRanges()
    {
        var (code, output) = Tool.Run("check", Build());
        Assert.True(code == 0, output);
        Assert.Contains("base appendonly.aof.1.base.rdb: RDB version 10", output);
        Assert.Contains("segment appendonly.aof.1.incr.arkl (seq 1, start-offset 0, start-lsn 1): 5 records (LSN 1..5), 7 commands (1 multi-command records)", output);
        Assert.Contains("segment appendonly.aof.2.incr.arkl (seq 2, start-offset 8192, start-lsn 6): 3 records (LSN 6..8)", output);
        Assert.Contains("result: valid (8 records)", output);
    }

    [Fact]
    public void Check_SegmentsThatDoNotMeet_AreDamaged()
    {
        var (code, output) = Tool.Run("check", Build(secondStartLsn: 7));
        Assert.True(code == 2, output);
        Assert.Contains("ends before LSN 6", output);
        Assert.Contains("starts at LSN 7", output);
    }

    [Fact]
    public void TornTailInASealedSegment_IsDamage_AndFixRefuses()
    {
        string dir = Build();
        string first = Path.Combine(dir, "appendonly.aof.1.incr.arkl");
        var check = DirectoryCheck.Run(AofDirectory.Open(dir, out _)!);
        Damage.Write(first, check.Segments[0].Read!.EndOffset, [1, 2, 3, 4, 5]);
        var (code, output) = Tool.Run("check", "--allow-torn", dir);
        Assert.True(code == 2, output);
        Assert.Contains("the sealed segment ends in a damaged frame", output);
        Assert.Equal(2, Tool.Run("fix", "--yes", "--cut-corrupt", dir).Code);
    }

    [Fact]
    public void Export_BaseAndTwoSegments_Redis70LoadsTheResult()
    {
        string outDir = fixture.NewTemp();
        var (code, output) = Tool.Run("export", Build(), outDir);
        Assert.True(code == 0, output);
        Assert.Contains("8 records (10 commands)", output);
        string incr = File.ReadAllText(Path.Combine(outDir, "appendonlydir", "appendonly.aof.1.incr.aof"), Encoding.Latin1);
        Assert.Contains("*2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$3\r\ntx1\r\n", incr);
        Assert.Contains("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*2\r\n$3\r\nDEL\r\n$2\r\nk2\r\n*1\r\n$4\r\nEXEC\r\n", incr);

        using var redis = ChildProcess.StartRedis("--dir", outDir, "--appendonly", "yes", "--appenddirname", "appendonlydir", "--save", "");
        using var c = redis.Connect();
        var keys = KeyspaceDump.Read(c);
        string K(int db, string key) => $"{db}/{Convert.ToHexString(Encoding.UTF8.GetBytes(key))}";
        Assert.Equal("string " + Convert.ToHexString("v1"u8), keys[K(0, "k1")]);
        Assert.Equal("string " + Convert.ToHexString("b"u8), keys[K(0, "base1")]);
        Assert.False(keys.ContainsKey(K(0, "k2")));
        Assert.True(keys.ContainsKey(K(1, "tx1")) && keys.ContainsKey(K(1, "txlist")), KeyspaceDump.Text(keys));
        Assert.True(keys.ContainsKey(K(2, "k6")));
        Assert.EndsWith(" ttl", keys[K(0, "k7")]);
        Assert.Equal(8, keys.Count);
    }
}
