using Arrakis.Aof.Tests.Infrastructure;

namespace Arrakis.Aof.Tests;

[Collection(ArrakisDirectoryCollection.Name)]
public sealed class CheckTests(ArrakisDirectoryFixture fixture)
{
    [Fact]
    public void Check_RealServerDirectory_IsValidWithBaseAndSegment()
    {
        var (code, output) = Tool.Run("check", fixture.Copy());
        Assert.True(code == 0, output);
        Assert.Contains("checksum ok", output);
        Assert.Matches(@"segment appendonly\.aof\.\d+\.incr\.arkl \(seq \d+, start-offset 0, start-lsn \d+\): \d+ records \(LSN \d+\.\.\d+\)", output);
        Assert.Contains("every logged command exists in Redis 7.0", output);
        Assert.Contains("result: valid", output);
    }

    [Fact]
    public void Check_AcceptsTheServerDirTheAppendDirOrTheManifest()
    {
        Assert.Equal(0, Tool.Run("check", fixture.Dir).Code);
        Assert.Equal(0, Tool.Run("check", fixture.AppendDir).Code);
        Assert.Equal(0, Tool.Run("check", Path.Combine(fixture.AppendDir, "appendonly.aof.manifest")).Code);
    }

    [Fact]
    public void Check_TornTailInLastSegment_ExitsOneNamingOffsetAndLsn_UnlessAllowed()
    {
        string dir = fixture.Copy();
        var (_, end, next) = Damage.TearTail(dir);
        var (code, output) = Tool.Run("check", dir);
        Assert.True(code == 1, output);
        Assert.Contains($"torn tail (never durable), 300 bytes at offset {end}, LSN {next}", output);
        Assert.Equal(0, Tool.Run("check", "--allow-torn", dir).Code);
    }

    [Fact]
    public void Check_CorruptDurableFrame_ExitsTwoNamingFileOffsetAndLsn()
    {
        string dir = fixture.Copy();
        var (path, _, _, _) = Damage.LastSegment(dir);
        Damage.Flip(path, 45); // the first frame's payload; later frames record that it was durable
        var (code, output) = Tool.Run("check", dir);
        Assert.True(code == 2, output);
        Assert.Matches(@"segment appendonly\.aof\.\d+\.incr\.arkl: CORRUPT at offset 0, LSN \d+", output);
        Assert.Contains("result: DAMAGED", output);
    }

    [Fact]
    public void Check_TheBuiltTool_ReturnsExitCodes()
    {
        string dir = fixture.Copy();
        string tool = Path.Combine(AppContext.BaseDirectory, "arrakis-aof.dll");
        Assert.Equal(0, RunProcess(tool, "check", dir));
        Damage.TearTail(dir);
        Assert.Equal(1, RunProcess(tool, "check", dir));
        Assert.Equal(0, RunProcess(tool, "check", "--allow-torn", dir));
        Assert.Equal(3, RunProcess(tool, "frobnicate"));
    }

    private static int RunProcess(string dll, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode;
    }
}
