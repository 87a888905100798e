using System.Text;
using Arrakis.Aof.Tests.Infrastructure;

namespace Arrakis.Aof.Tests;

/// <summary>Garbage, missing and truncated files give a message and an exit code, never an exception (exit 70).</summary>
[Collection(ArrakisDirectoryCollection.Name)]
public sealed class HostileInputTests(ArrakisDirectoryFixture fixture)
{
    [Theory]
    [InlineData(new string[0], 3)]
    [InlineData(new[] { "frobnicate", "x" }, 3)]
    [InlineData(new[] { "check", "--bogus", "x" }, 3)]
    [InlineData(new[] { "check" }, 3)]
    [InlineData(new[] { "export", "x" }, 3)]
    [InlineData(new[] { "fix", "--allow-torn", "x" }, 3)]
    public void BadArguments_PrintUsage(string[] args, int expected)
    {
        var (code, output) = Tool.Run(args);
        Assert.Equal(expected, code);
        Assert.Contains("usage: arrakis-aof", output);
    }

    [Fact]
    public void MissingPath_SaysSo()
    {
        var (code, output) = Tool.Run("check", "/nonexistent/arrakis-aof-test");
        Assert.Equal(2, code);
        Assert.Contains("no such file or directory", output);
    }

    [Fact]
    public void DirectoryWithoutManifest_SaysSo()
    {
        var (code, output) = Tool.Run("check", fixture.NewTemp());
        Assert.Equal(2, code);
        Assert.Contains("no manifest", output);
    }

    [Fact]
    public void GarbageManifest_SaysWhichLine()
    {
        string dir = fixture.Copy();
        var random = new Random(7);
        var bytes = new byte[4000];
        random.NextBytes(bytes);
        File.WriteAllBytes(Path.Combine(dir, "appendonly.aof.manifest"), bytes);
        var (code, output) = Tool.Run("check", dir);
        Assert.Equal(2, code);
        Assert.Contains("manifest", output);
        Assert.Contains("line", output);
    }

    [Theory]
    [InlineData("file x seq 1 type i format redis start-offset 0 start-lsn 1\n", "not in format")]
    [InlineData("file x seq 1 type b\n", "no incremental log")]
    [InlineData("file x seq one type i format arrakis-log-v1 start-offset 0 start-lsn 1\n", "needs file, seq and type")]
    [InlineData("", "no incremental log")]
    [InlineData("file /dev/x seq 1 type i format arrakis-log-v1 start-offset 8192 start-lsn 1 region-end 4096\n", "region-end must be a number not before start-offset")]
    public void MalformedManifest_SaysWhy(string text, string message)
    {
        string dir = fixture.NewTemp();
        File.WriteAllText(Path.Combine(dir, "appendonly.aof.manifest"), text);
        var (code, output) = Tool.Run("check", dir);
        Assert.Equal(2, code);
        Assert.Contains(message, output);
    }

    [Fact]
    public void MissingSegmentAndBase_AreNamed()
    {
        string dir = fixture.Copy();
        foreach (var f in Directory.GetFiles(dir, "*.arkl").Concat(Directory.GetFiles(dir, "*.rdb"))) File.Delete(f);
        var (code, output) = Tool.Run("check", dir);
        Assert.Equal(2, code);
        Assert.Matches(@"base appendonly\.aof\.\d+\.base\.rdb: .*does not exist", output);
        Assert.Matches(@"segment appendonly\.aof\.\d+\.incr\.arkl: .*does not exist", output);
        Assert.Equal(2, Tool.Run("export", dir, fixture.NewTemp()).Code);
        Assert.Equal(2, Tool.Run("fix", "--yes", dir).Code);
    }

    [Fact]
    public void TruncatedBase_IsReportedWithItsOffset()
    {
        string dir = fixture.Copy();
        string rdb = Damage.BaseOf(dir);
        var bytes = File.ReadAllBytes(rdb);
        File.WriteAllBytes(rdb, bytes[..(bytes.Length / 2)]);
        var (code, output) = Tool.Run("check", dir);
        Assert.Equal(2, code);
        Assert.Contains("INVALID: Truncated at byte", output);
    }

    [Fact]
    public void BaseWithBadChecksum_IsReported()
    {
        string dir = fixture.Copy();
        string rdb = Damage.BaseOf(dir);
        Damage.Flip(rdb, new FileInfo(rdb).Length - 1);
        var (code, output) = Tool.Run("check", dir);
        Assert.Equal(2, code);
        Assert.Contains("BadChecksum", output);
    }

    [Fact]
    public void TruncatedSegment_IsDamage()
    {
        string dir = fixture.Copy();
        string segment = Damage.LastSegment(dir).Path;
        using (var fs = new FileStream(segment, FileMode.Open)) fs.SetLength(300);
        var (code, output) = Tool.Run("check", "--allow-torn", dir);
        Assert.Equal(2, code);
        Assert.Contains("300 bytes, not a positive multiple of 4096", output);
        File.WriteAllBytes(segment, []);
        Assert.Equal(2, Tool.Run("check", dir).Code);
    }

    [Fact]
    public void StartOffsetBeyondTheFile_IsReported()
    {
        string dir = fixture.Copy();
        string manifest = Path.Combine(dir, "appendonly.aof.manifest");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("start-offset 0", "start-offset 99999999999", StringComparison.Ordinal));
        var (code, output) = Tool.Run("check", dir);
        Assert.Equal(2, code);
        Assert.Contains("is beyond the end of", output);
    }

    [Fact]
    public void SegmentThatIsADirectoryOrTinyOrGarbage_GivesMessages()
    {
        string dir = fixture.Copy();
        string segment = Damage.LastSegment(dir).Path;
        File.Delete(segment);
        Directory.CreateDirectory(segment);
        var (code, output) = Tool.Run("check", dir);
        Assert.Equal(2, code);
        Assert.Contains("UNREADABLE", output);
        Directory.Delete(segment);

        var random = new Random(11);
        foreach (int size in new[] { 0, 1, 39, 100, 4096, 70000 })
        {
            var bytes = new byte[size];
            random.NextBytes(bytes);
            File.WriteAllBytes(segment, bytes);
            foreach (var args in new[] { new[] { "check", dir }, new[] { "export", dir, fixture.NewTemp() } })
            {
                var (c, o) = Tool.Run(args);
                Assert.True(c is 0 or 1 or 2, $"{size} bytes: exit {c}\n{o}");
                Assert.Contains("segment ", o);
            }
            var (fixCode, fixOutput) = Tool.Run("fix", "--yes", dir);
            Assert.True(fixCode is 0 or 1 or 2, fixOutput);
        }
    }

    [Fact]
    public void RandomByteFlips_InSegmentBaseAndManifest_NeverThrow()
    {
        string dir = fixture.Copy();
        string segment = Damage.LastSegment(dir).Path;
        string rdb = Damage.BaseOf(dir);
        string manifest = Path.Combine(dir, "appendonly.aof.manifest");
        var random = new Random(42);
        var originals = new[] { segment, rdb, manifest }.ToDictionary(f => f, f => Damage.Read(f, 0, (int)Math.Min(8192, new FileInfo(f).Length)));
        for (int i = 0; i < 60; i++)
        {
            string target = originals.Keys.ElementAt(random.Next(originals.Count));
            long at = random.Next(originals[target].Length);
            Damage.Write(target, at, [(byte)random.Next(256)]);
            var (code, output) = Tool.Run("check", dir);
            Assert.True(code is 0 or 1 or 2, $"iteration {i}: {target} byte {at}: exit {code}\n{output}");
            Damage.Write(target, 0, originals[target]);
        }
        Assert.Equal(0, Tool.Run("check", dir).Code);
        Assert.DoesNotContain("internal error", Encoding.UTF8.GetString(File.ReadAllBytes(manifest)));
    }
}
