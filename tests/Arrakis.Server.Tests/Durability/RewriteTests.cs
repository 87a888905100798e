using Arrakis.IoBypass.Block.Simulated;
using Arrakis.IoBypass.Transport.InMemory;
using Arrakis.Persistence.Log;
using Arrakis.Server.Configuration;
using Arrakis.Server.Durability;
using Arrakis.Server.Runtime;
using static Arrakis.Server.Tests.Durability.LoggedServer;

namespace Arrakis.Server.Tests.Durability;

/// <summary>BGREWRITEAOF while clients write: the state after a restart (base + new segment) equals the state before, nothing acknowledged is lost.</summary>
public sealed class RewriteTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("arrakis-rewrite-").FullName;
    private readonly Dictionary<string, SimulatedNvme> _disks = new();

    /// <summary>Segments on simulated devices that outlive a server (the "disk"); manifest and base in a real temp directory.</summary>
    private sealed class SimulatedStorage(Dictionary<string, SimulatedNvme> disks) : ILogStorage
    {
        public static volatile bool RefuseNew;

        public LogDevice Open(string path, long capacity)
        {
            if (RefuseNew && !Exists(path)) throw new InvalidOperationException("log storage: refused for the test");
            lock (disks)
            {
                if (!disks.TryGetValue(path, out var dev)) disks[path] = dev = new SimulatedNvme(capacity, seed: disks.Count + 1);
                return new LogDevice(dev, "simulated " + Path.GetFileName(path), new Nothing());
            }
        }

        public bool Exists(string path)
        {
            lock (disks) return disks.ContainsKey(path);
        }

        public int ZeroRange(string path, long offset, long bytes)
        {
            lock (disks) return disks[path].ZeroDurable(offset, bytes);
        }

        public static volatile bool FailSync;

        public int SyncDirectory(string directory) => FailSync ? -5 : 0;

        private sealed class Nothing : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }

    private (ArrakisServer Server, InMemoryNetwork Network) Start(string device = "")
    {
        var network = new InMemoryNetwork();
        var options = new ServerOptions { Threads = 2, Dir = _dir, AppendOnly = true, AppendFsync = FsyncPolicy.Always, AofLogSize = device.Length > 0 ? 2 * LogStartup.MinDeviceHalf : 8L << 20, AofDevice = device };
        var server = new ArrakisServer(options, _ => network.CreateSource());
        LogStartup.Open(server, options, new SimulatedStorage(_disks));
        server.Start();
        return (server, network);
    }

    [Fact]
    public void ARewriteUnderLoad_KeepsEveryAcknowledgedWrite_AndRestartsFromTheNewBase()
    {
        var (server, network) = Start();
        long acked = 0;
        string before;
        try
        {
            using (var c = network.Connect())
            {
                for (int i = 0; i < 300; i++) Call(c, $"RPUSH list{i % 7} {i}");
                Call(c, "SET ttl v EX 1000");
                // Streams go into the new base as RDB_TYPE_STREAM_LISTPACKS_2, groups and PELs included.
                for (int i = 0; i < 250; i++) Call(c, $"XADD stream * n {i}");
                Call(c, "XGROUP CREATE stream g 0");
                Call(c, "XREADGROUP GROUP g alice COUNT 10 STREAMS stream >");
                Call(c, "XTRIM stream MAXLEN ~ 120");
            }
            acked = RewriteWhileCounting(network, c =>
            {
                Call(c, "XREADGROUP GROUP g bob COUNT 3 STREAMS stream >");
                Call(c, "XADD stream * after rewrite");
            });
            using (var c = network.Connect()) Assert.Equal($"${acked.ToString().Length}\r\n{acked}\r\n", Call(c, "GET counter"));
            before = LogRecoveryServerTests.Dump(network.Connect());
        }
        finally
        {
            server.Stop();
        }
        var manifest = Manifest();
        Assert.Equal("appendonly.aof.2.base.rdb", manifest.BaseFile);
        Assert.Single(manifest.Segments);
        Assert.Equal("appendonly.aof.2.incr.arkl", manifest.Segments[0].File);

        var (again, network2) = Start();
        try
        {
            Assert.Equal(before, LogRecoveryServerTests.Dump(network2.Connect()));
        }
        finally
        {
            again.Stop();
        }
    }

    [Fact]
    public void RewritesOnADevice_TakeTurnsInItsHalves_AndEveryRestartReadsACleanLog()
    {
        const string Device = "/simulated/aof-device";
        long acked = 0;
        string before = "";
        var starts = new List<long>();
        // Three rounds, each a rewrite under a writing client and a restart: the log goes to the upper half,
        // back to the lower one (where the first segment's frames lay: zeroed before reuse), and up again.
        for (int round = 0; round < 3; round++)
        {
            var (server, network) = Start(Device);
            try
            {
                Assert.Equal(Arrakis.Persistence.Log.LogReadStatus.Clean, server.State.Recovery!.Status);
                if (round > 0) Assert.Equal(before, LogRecoveryServerTests.Dump(network.Connect()));
                using (var c = network.Connect())
                {
                    // Enough log that the next turn in this half lands on old frames.
                    for (int i = 0; i < 200; i++) Call(c, $"SET k{round}:{i} {new string((char)('a' + round), 500)}");
                }
                acked += RewriteWhileCounting(network);
                using (var c = network.Connect()) Assert.Equal($"${acked.ToString().Length}\r\n{acked}\r\n", Call(c, "GET counter"));
                before = LogRecoveryServerTests.Dump(network.Connect());
            }
            finally
            {
                server.Stop();
            }
            var segment = Assert.Single(Manifest().Segments);
            Assert.Equal(Device, segment.File);
            Assert.Equal(LogStartup.MinDeviceHalf, segment.RegionEnd - segment.StartOffset);
            starts.Add(segment.StartOffset);
        }
        Assert.Equal([LogStartup.MinDeviceHalf, 0, LogStartup.MinDeviceHalf], starts);
        RestartsCleanWith(Device, before);
    }

    [Fact]
    public void AnInterruptedRewriteOnADevice_LeavesBothHalvesListed_AndTheNextContinuesInTheCurrentHalf()
    {
        const string Device = "/simulated/aof-device";
        string before;
        // The new base cannot be renamed into place (a directory holds its name): the rewrite fails after the
        // log moved to the upper half, so the manifest lists a segment in each half.
        string blocker = Path.Combine(_dir, "appendonlydir", "appendonly.aof.2.base.rdb");
        var (server, network) = Start(Device);
        try
        {
            using var c = network.Connect();
            for (int i = 0; i < 100; i++) Call(c, $"SET a{i} {i}");
            Directory.CreateDirectory(blocker);
            RewriteUntil(c, "aof_last_bgrewrite_status:err");
            for (int i = 0; i < 100; i++) Call(c, $"SET b{i} {i}");
        }
        finally
        {
            server.Stop();
        }
        Directory.Delete(blocker);
        var manifest = Manifest();
        Assert.Equal([0, LogStartup.MinDeviceHalf], manifest.Segments.Select(s => s.StartOffset));

        // Restarted on both segments; the next rewrite cannot zero the lower half (listed), so it continues in the upper one.
        (server, network) = Start(Device);
        try
        {
            Assert.Equal(Arrakis.Persistence.Log.LogReadStatus.Clean, server.State.Recovery!.Status);
            using var c = network.Connect();
            Assert.Equal("$2\r\n99\r\n", Call(c, "GET b99"));
            RewriteUntil(c, "aof_rewrites:1");
            Assert.Contains("aof_last_bgrewrite_status:ok", Call(c, "INFO persistence"));
            for (int i = 0; i < 100; i++) Call(c, $"SET c{i} {i}");
            before = LogRecoveryServerTests.Dump(network.Connect());
        }
        finally
        {
            server.Stop();
        }
        var continued = Assert.Single(Manifest().Segments);
        Assert.InRange(continued.StartOffset, LogStartup.MinDeviceHalf + 4096, 2 * LogStartup.MinDeviceHalf - LogRewriter.MinDeviceRegion);
        Assert.Equal(2 * LogStartup.MinDeviceHalf, continued.RegionEnd);

        // And the one after goes back to the lower half, zeroed.
        (server, network) = Start(Device);
        try
        {
            Assert.Equal(Arrakis.Persistence.Log.LogReadStatus.Clean, server.State.Recovery!.Status);
            Assert.Equal(before, LogRecoveryServerTests.Dump(network.Connect()));
            using var c = network.Connect();
            RewriteUntil(c, "aof_rewrites:1");
            Assert.Contains("aof_last_bgrewrite_status:ok", Call(c, "INFO persistence"));
        }
        finally
        {
            server.Stop();
        }
        Assert.Equal(0, Assert.Single(Manifest().Segments).StartOffset);
        RestartsCleanWith(Device, before);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/simulated/aof-device")]
    public void TwoRewritesWithNoWriteBetween_LeaveAManifestThatStartsUp(string device)
    {
        // The second rewrite seals a segment that holds no record (same start LSN as the new one; on a device,
        // continuing in the current half, an empty region); its base cannot be written, so its first manifest stays.
        string blocker = Path.Combine(_dir, "appendonlydir", "appendonly.aof.3.base.rdb");
        var (server, network) = Start(device);
        try
        {
            using var c = network.Connect();
            Call(c, "SET a 1");
            RewriteUntil(c, "aof_rewrites:1");
            Directory.CreateDirectory(blocker);
            RewriteUntil(c, "aof_last_bgrewrite_status:err");
        }
        finally
        {
            server.Stop();
        }
        Directory.Delete(blocker);
        var segments = Manifest().Segments;
        Assert.Equal(2, segments.Count);
        Assert.Equal(segments[0].StartLsn, segments[1].StartLsn);
        (server, network) = Start(device);
        try
        {
            Assert.Equal(Arrakis.Persistence.Log.LogReadStatus.Clean, server.State.Recovery!.Status);
            using var c = network.Connect();
            Assert.Equal("$1\r\n1\r\n", Call(c, "GET a"));
        }
        finally
        {
            server.Stop();
        }
    }

    [Fact]
    public void ANewLogOnADeviceThatHoldsOne_IsRefused_NotZeroed()
    {
        const string Device = "/simulated/aof-device";
        var (server, network) = Start(Device);
        try
        {
            using var c = network.Connect();
            Call(c, "SET a 1");
        }
        finally
        {
            server.Stop();
        }
        File.Delete(Path.Combine(_dir, "appendonlydir", "appendonly.aof.manifest")); // as a start with another --dir would see it
        var e = Assert.Throws<InvalidOperationException>(() => Start(Device));
        Assert.Contains("holds an Arrakis log (a frame at offset 0)", e.Message);
        Assert.NotEqual(new byte[4096], _disks[Device].ReadDurable(0, 4096)); // not zeroed
    }

    [Theory]
    [InlineData("")]
    [InlineData("/simulated/aof-device")]
    public void AManifestThatMayOrMayNotBeDurable_StopsTheLog_AndEitherOneRestarts(string device)
    {
        var (server, network) = Start(device);
        try
        {
            using var c = network.Connect();
            for (int i = 0; i < 50; i++) Call(c, $"SET k{i} {i}");
            SimulatedStorage.FailSync = true; // the switch's manifest replaces the old one, but its directory is not synced
            RewriteUntil(c, "aof_last_bgrewrite_status:err");
            Assert.StartsWith("-MISCONF", Call(c, "SET after 1"));
            Assert.Equal("$2\r\n49\r\n", Call(c, "GET k49"));
        }
        finally
        {
            SimulatedStorage.FailSync = false;
            server.Stop();
        }
        (server, network) = Start(device);
        try
        {
            Assert.Equal(Arrakis.Persistence.Log.LogReadStatus.Clean, server.State.Recovery!.Status);
            using var c = network.Connect();
            Assert.Equal("$2\r\n49\r\n", Call(c, "GET k49"));
            Assert.Equal("$-1\r\n", Call(c, "GET after"));
        }
        finally
        {
            server.Stop();
        }
    }

    [Fact]
    public void ARewriteThatCannotClaimItsSegment_FreesTheSnapshotSlot_AndALaterOneWorks()
    {
        var (server, network) = Start();
        try
        {
            using var c = network.Connect();
            Call(c, "SET a 1");
            SimulatedStorage.RefuseNew = true;
            RewriteUntil(c, "aof_last_bgrewrite_status:err");
            Assert.Contains("aof_rewrite_in_progress:0", Call(c, "INFO persistence"));
            SimulatedStorage.RefuseNew = false;
            RewriteUntil(c, "aof_rewrites:1");
            Assert.Contains("aof_last_bgrewrite_status:ok", Call(c, "INFO persistence"));
        }
        finally
        {
            SimulatedStorage.RefuseNew = false;
            server.Stop();
        }
    }

    /// <summary>
    /// Runs a BGREWRITEAOF to success while another client INCRs "counter"; <paramref name="after"/> runs right after
    /// it, on the connection that asked. Returns how many INCRs were acknowledged meanwhile.
    /// </summary>
    private static long RewriteWhileCounting(InMemoryNetwork network, Action<InMemoryClient>? after = null)
    {
        long acked = 0;
        using var stop = new CancellationTokenSource();
        var writer = new Thread(() =>
        {
            using var w = network.Connect();
            while (!stop.IsCancellationRequested)
            {
                if (Call(w, "INCR counter").StartsWith(':')) Interlocked.Increment(ref acked);
            }
        });
        writer.Start();
        using (var c = network.Connect())
        {
            Thread.Sleep(40);
            RewriteUntil(c, "aof_rewrites:1");
            Assert.Contains("aof_last_bgrewrite_status:ok", Call(c, "INFO persistence"));
            after?.Invoke(c);
            Thread.Sleep(40);
        }
        stop.Cancel();
        writer.Join();
        return Interlocked.Read(ref acked);
    }

    /// <summary>The manifest on disk now (it must parse).</summary>
    private LogManifest Manifest()
    {
        var manifest = LogManifest.Load(Path.Combine(_dir, "appendonlydir", "appendonly.aof.manifest"), out var error);
        Assert.True(error is null, error);
        return manifest!;
    }

    /// <summary>A restart on <paramref name="device"/> reads a clean log and serves <paramref name="dump"/>.</summary>
    private void RestartsCleanWith(string device, string dump)
    {
        var (server, network) = Start(device);
        try
        {
            Assert.Equal(Arrakis.Persistence.Log.LogReadStatus.Clean, server.State.Recovery!.Status);
            Assert.Equal(dump, LogRecoveryServerTests.Dump(network.Connect()));
        }
        finally
        {
            server.Stop();
        }
    }

    /// <summary>Starts BGREWRITEAOF and waits (up to 20 s) until INFO persistence shows <paramref name="until"/>.</summary>
    private static void RewriteUntil(InMemoryClient c, string until)
    {
        Assert.Equal("+Background append only file rewriting started\r\n", Call(c, "BGREWRITEAOF"));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!Call(c, "INFO persistence").Contains(until, StringComparison.Ordinal) && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.Contains(until, Call(c, "INFO persistence"));
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
