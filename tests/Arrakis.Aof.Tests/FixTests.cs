using Arrakis.Aof.Tests.Infrastructure;

namespace Arrakis.Aof.Tests;

[Collection(ArrakisDirectoryCollection.Name)]
public sealed class FixTests(ArrakisDirectoryFixture fixture)
{
    [Fact]
    public void Fix_TornTail_AsksThenCutsItAndTheLogReadsBackClean()
    {
        string dir = fixture.Copy();
        var (_, _, _, records) = Damage.LastSegment(dir);
        var (path, end, next) = Damage.TearTail(dir);

        var (declined, output) = Tool.RunWithInput("n\n", "fix", dir);
        Assert.True(declined == 1, output);
        Assert.Contains($"Cut the torn tail of {path}: 300 bytes at offset {end}, LSN {next} (never durable)? [y/N] not changed", output);
        Assert.Equal(0xAB, Damage.Read(path, end, 1)[0]);

        var (fixedCode, fixedOutput) = Tool.RunWithInput("y\n", "fix", dir);
        Assert.True(fixedCode == 0, fixedOutput);
        Assert.Contains($"cut 300 bytes at offset {end}", fixedOutput);
        Assert.All(Damage.Read(path, end, 300), b => Assert.Equal(0, b));
        Assert.Equal(0, Tool.Run("check", dir).Code);
        Assert.Equal(records, Damage.LastSegment(dir).Records);
    }

    [Fact]
    public void Fix_Yes_CutsWithoutAsking_AndAValidDirectoryIsLeftAlone()
    {
        string dir = fixture.Copy();
        var (code, output) = Tool.Run("fix", dir);
        Assert.True(code == 0, output);
        Assert.Contains("nothing to fix", output);
        Damage.TearTail(dir);
        Assert.Equal(0, Tool.Run("fix", "--yes", dir).Code);
        Assert.Equal(0, Tool.Run("check", dir).Code);
    }

    [Fact]
    public void Fix_Corruption_IsRefused_UnlessCutCorrupt_WhichSaysWhatIsLost()
    {
        string dir = fixture.Copy();
        var (path, _, next, records) = Damage.LastSegment(dir);
        Damage.Flip(path, 45);

        var (refused, output) = Tool.Run("fix", "--yes", dir);
        Assert.True(refused == 2, output);
        Assert.Contains("refusing to cut durable data", output);
        Assert.Contains("--cut-corrupt", output);
        Assert.NotEqual(0, Damage.Read(path, 0, 1)[0]);

        var (cut, cutOutput) = Tool.Run("fix", "--yes", "--cut-corrupt", dir);
        Assert.True(cut == 0, cutOutput);
        long first = next - records;
        Assert.Contains($"losing at least {records} durable record(s), LSN {first}..{next - 1}", cutOutput);
        Assert.Equal(0, Tool.Run("check", dir).Code);
        Assert.Equal(0, Damage.LastSegment(dir).Records);
    }

    [Fact]
    public void Fix_DamagedBase_IsRefused()
    {
        string dir = fixture.Copy();
        string rdb = Damage.BaseOf(dir);
        File.WriteAllBytes(rdb, File.ReadAllBytes(rdb)[..40]);
        var (code, output) = Tool.Run("fix", "--yes", "--cut-corrupt", dir);
        Assert.True(code == 2, output);
        Assert.Contains("refusing", output);
    }
}
