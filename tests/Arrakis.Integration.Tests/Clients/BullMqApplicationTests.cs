using System.Diagnostics;
using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Clients;

/// <summary>BullMQ (npm, pinned in tests/node/bullmq/package-lock.json) as applications run it: a queue,
/// two workers, delayed jobs, retries and a bulk add, through its Lua scripts (EVALSHA with cmsgpack)
/// and its events stream. The Node program checks that every job ran exactly as often as it should.</summary>
[Collection("servers")]
public sealed class BullMqApplicationTests(ServerPairFixture servers)
{
    private static readonly string Folder = Path.Combine(FindRoot(), "tests", "node", "bullmq");

    [Fact]
    public void A_bullmq_queue_processes_every_job_exactly_once()
    {
        if (!File.Exists("/usr/bin/node") && !File.Exists("/usr/local/bin/node"))
        {
            Assert.Fail("node is not installed (tests/run.sh installs nodejs and npm)");
        }
        if (!Directory.Exists(Path.Combine(Folder, "node_modules", "bullmq")))
        {
            var (installed, log) = Run("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], null, TimeSpan.FromMinutes(5));
            Assert.True(installed == 0, "npm ci failed: " + log);
        }
        var (code, output) = Run("node", ["queue.mjs"], servers.Arrakis.Port, TimeSpan.FromMinutes(2));
        Assert.True(code == 0 && output.Trim().EndsWith("ok", StringComparison.Ordinal), output);
    }

    private static (int Code, string Output) Run(string file, string[] args, int? port, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (port is int p) psi.Environment["PORT"] = p.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "timed out: " + stdout.Result + stderr.Result);
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Arrakis.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Arrakis.sln not found above " + AppContext.BaseDirectory);
    }
}
