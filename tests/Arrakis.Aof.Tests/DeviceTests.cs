using System.Diagnostics;
using Arrakis.Aof.Tests.Infrastructure;

namespace Arrakis.Aof.Tests;

/// <summary>
/// A log on a raw block device (--aof-device; a loop device with direct I/O stands in for a disk): the tool
/// finds the device's size (fstat says 0 for a device), reads each segment within its half of the device,
/// and exports what Redis 7.0 loads. Root only (losetup): skipped with a message elsewhere, a failure under CI=true.
/// </summary>
public sealed class DeviceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("arrakis-aof-device-").FullName;

    [SkippableFact]
    public void ALogOnABlockDevice_ChecksValid_AndExportsWhatRedis70Loads()
    {
        if (Tmds.Linux.LibC.geteuid() != 0)
        {
            const string message = "the block device test needs root (losetup)";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) Assert.Fail(message + ": CI runs as root");
            Skip.If(true, message);
        }
        string backing = Path.Combine(_dir, "disk.img");
        using (var f = File.Create(backing)) f.SetLength(64 << 20);
        string device = Losetup($"--find --show --direct-io=on {backing}").Trim();
        try
        {
            string serverDir = Path.Combine(_dir, "server");
            Directory.CreateDirectory(serverDir);
            var (expected, log) = ArrakisDirectoryFixture.Build(serverDir, "--aof-device", device);
            string appendDir = Path.Combine(serverDir, "appendonlydir");
            Assert.Empty(Directory.GetFiles(appendDir, "*.incr.arkl")); // the log is on the device only

            var (code, output) = Tool.Run("check", appendDir);
            Assert.True(code == 0, output + "\nserver log:\n" + log);
            // After the rewrite the log continues in the device's upper half.
            Assert.Contains($"segment {device} (seq 2, start-offset {32 << 20}, start-lsn ", output);
            Assert.Contains($"region-end {64 << 20})", output);
            Assert.Contains("result: valid", output);

            // A torn tail on the device: check says so, fix cuts it within the segment's region, and the log reads back clean.
            var (_, _, _, records) = Damage.LastSegment(appendDir);
            var (path, end, next) = Damage.TearTail(appendDir);
            Assert.Equal(device, path);
            (code, output) = Tool.Run("check", appendDir);
            Assert.True(code == 1, output);
            (code, output) = Tool.Run("fix", "--yes", appendDir);
            Assert.True(code == 0, output);
            Assert.Contains($"cut 300 bytes at offset {end} of {device}; the log ends at LSN {next - 1}", output);
            Assert.Equal(0, Tool.Run("check", appendDir).Code);
            Assert.Equal(records, Damage.LastSegment(appendDir).Records);

            string outDir = Path.Combine(_dir, "export");
            (code, output) = Tool.Run("export", appendDir, outDir);
            Assert.True(code == 0, output);
            using var redis = ChildProcess.StartRedis("--dir", outDir, "--appendonly", "yes", "--appenddirname", "appendonlydir", "--save", "");
            using var c = redis.Connect();
            var diff = KeyspaceDump.Diff(expected, KeyspaceDump.Read(c));
            Assert.True(diff.Count == 0, string.Join("\n", diff) + "\nredis-server log:\n" + redis.LogText);
        }
        finally
        {
            Losetup($"--detach {device}");
        }
    }

    private static string Losetup(string arguments)
    {
        using var p = Process.Start(new ProcessStartInfo("losetup", arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"losetup {arguments}: {output}");
        return output;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
