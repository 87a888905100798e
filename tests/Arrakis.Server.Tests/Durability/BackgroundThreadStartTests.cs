using System.Collections.Concurrent;
using Arrakis.Server.Configuration;
using Arrakis.Server.Runtime;
using Arrakis.Server.Testing;
using Arrakis.Server.Tests.Commands;

namespace Arrakis.Server.Tests.Durability;

/// <summary>The threads a background save starts run the host's start hook (where bgsave_cpulist pins them) first.</summary>
public sealed class BackgroundThreadStartTests
{
    [Fact]
    public void EveryThreadABgsaveStarts_RunsTheHookForSaves()
    {
        string dir = Directory.CreateTempSubdirectory("arrakis-bgsave-hook").FullName;
        try
        {
            using var h = new CommandHarness(new ServerOptions { Threads = 1, Dir = dir });
            var seen = new ConcurrentBag<(BackgroundWork Work, string? Thread)>();
            h.State.BackgroundThreadStart = work => seen.Add((work, Thread.CurrentThread.Name));
            h.Run("SET", "k", "v");
            // BGSAVE's client waits for the snapshot to begin; the answer comes through the data-plane thread's
            // mailbox, which this harness does not run (SnapshotDifferentialTests sees it on a real server).
            Assert.Equal("", h.Run("BGSAVE"));
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (h.State.Snapshots.BackgroundSaveInProgress && DateTime.UtcNow < deadline) Thread.Sleep(10);
            Assert.False(h.State.Snapshots.BackgroundSaveInProgress);
            Assert.True(File.Exists(Path.Combine(dir, "dump.rdb")));
            Assert.Equal("arrakis-bgsave,arrakis-snapshot", string.Join(",", seen.Select(s => s.Thread).Order(StringComparer.Ordinal)));
            Assert.All(seen, s => Assert.Equal(BackgroundWork.Save, s.Work));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
