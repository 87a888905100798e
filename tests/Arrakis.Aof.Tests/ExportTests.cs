using System.Text;
using Arrakis.Aof.Tests.Infrastructure;

namespace Arrakis.Aof.Tests;

[Collection(ArrakisDirectoryCollection.Name)]
public sealed class ExportTests(ArrakisDirectoryFixture fixture)
{
    [Fact]
    public void Export_RealServerDirectory_Redis70LoadsTheSameKeyspace()
    {
        string outDir = fixture.NewTemp();
        var (code, output) = Tool.Run("export", fixture.Copy(), outDir);
        Assert.True(code == 0, output);
        string aof = Path.Combine(outDir, "appendonlydir");
        Assert.Equal("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
            File.ReadAllText(Path.Combine(aof, "appendonly.aof.manifest")));
        string incr = File.ReadAllText(Path.Combine(aof, "appendonly.aof.1.incr.aof"), Encoding.Latin1);
        Assert.StartsWith("*2\r\n$6\r\nSELECT\r\n$1\r\n", incr);
        Assert.Contains("*1\r\n$5\r\nMULTI\r\n", incr);
        Assert.Contains("$6\r\nSELECT\r\n$1\r\n3\r\n", incr);

        using var redis = ChildProcess.StartRedis("--dir", outDir, "--appendonly", "yes", "--appenddirname", "appendonlydir", "--save", "");
        using var c = redis.Connect();
        var actual = KeyspaceDump.Read(c);
        var diff = KeyspaceDump.Diff(fixture.Expected, actual);
        Assert.True(diff.Count == 0, string.Join("\n", diff) + "\nredis-server log:\n" + redis.LogText);
        Assert.True(fixture.Expected.Count > 15, KeyspaceDump.Text(fixture.Expected));
    }

    [Fact]
    public void Export_WithoutBase_WritesNoBaseLineAndRedis70LoadsIt()
    {
        string dir = fixture.Copy();
        string manifest = Path.Combine(dir, "appendonly.aof.manifest");
        File.WriteAllLines(manifest, File.ReadAllLines(manifest).Where(l => !l.Contains("type b", StringComparison.Ordinal)));
        string outDir = fixture.NewTemp();
        var (code, output) = Tool.Run("export", dir, outDir);
        Assert.True(code == 0, output);
        Assert.Contains("no base", output);
        string aof = Path.Combine(outDir, "appendonlydir");
        Assert.Equal("file appendonly.aof.1.incr.aof seq 1 type i\n", File.ReadAllText(Path.Combine(aof, "appendonly.aof.manifest")));

        using var redis = ChildProcess.StartRedis("--dir", outDir, "--appendonly", "yes", "--appenddirname", "appendonlydir", "--save", "");
        using var c = redis.Connect();
        var actual = KeyspaceDump.Read(c);
        string db3 = "3/" + Convert.ToHexString("db3"u8);
        Assert.Equal(fixture.Expected[db3], actual[db3]);
        Assert.False(actual.ContainsKey("0/" + Convert.ToHexString("bighash"u8))); // only in the base
    }

    [Fact]
    public void Export_TornTail_ExportsTheDurablePrefixAndSaysWhatWasLeftOut()
    {
        string dir = fixture.Copy();
        var (_, end, _) = Damage.TearTail(dir);
        string outDir = fixture.NewTemp();
        var (code, output) = Tool.Run("export", dir, outDir);
        Assert.True(code == 0, output);
        Assert.Contains($"not exported: the torn tail", output);
        Assert.Contains($"300 bytes at offset {end}, never durable", output);

        using var redis = ChildProcess.StartRedis("--dir", outDir, "--appendonly", "yes", "--appenddirname", "appendonlydir", "--save", "");
        using var c = redis.Connect();
        Assert.Empty(KeyspaceDump.Diff(fixture.Expected, KeyspaceDump.Read(c)));
    }

    [Fact]
    public void Export_CorruptDirectory_IsRefused()
    {
        string dir = fixture.Copy();
        Damage.Flip(Damage.LastSegment(dir).Path, 45);
        string outDir = fixture.NewTemp();
        var (code, output) = Tool.Run("export", dir, outDir);
        Assert.True(code == 2, output);
        Assert.Contains("refusing to export", output);
        Assert.False(Directory.Exists(Path.Combine(outDir, "appendonlydir")));
    }

    [Fact]
    public void Export_IntoANonEmptyDirectory_IsRefused()
    {
        string outDir = fixture.NewTemp();
        Assert.Equal(0, Tool.Run("export", fixture.Copy(), outDir).Code);
        var (code, output) = Tool.Run("export", fixture.Copy(), outDir);
        Assert.True(code == 3, output);
        Assert.Contains("is not empty", output);
    }
}
