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

        public int SyncDirectory(string directory) => 0;

        private sealed class Nothing : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }

    private (ArrakisServer Server, InMemoryNetwork Network) Start()
    {
        var network = new InMemoryNetwork();
        var options = new ServerOptions { Threads = 2, Dir = _dir, AppendOnly = true, AppendFsync = FsyncPolicy.Always, AofLogSize = 8L << 20 };
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
            using var stop = new CancellationTokenSource();
            var writer = new Thread(() =>
            {
                using var w = network.Connect();
                while (!stop.IsCancellationRequested)
                {
                    if (Call(w, "INCR counter").StartsWith(':')) acked++;
                }
            });
            writer.Start();
            using (var c = network.Connect())
            {
                Thread.Sleep(50);
                Assert.Equal("+Background append only file rewriting started\r\n", Call(c, "BGREWRITEAOF"));
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while (!Call(c, "INFO persistence").Contains("aof_rewrites:1", StringComparison.Ordinal) && DateTime.UtcNow < deadline) Thread.Sleep(20);
                Assert.Contains("aof_last_bgrewrite_status:ok", Call(c, "INFO persistence"));
                Call(c, "XREADGROUP GROUP g bob COUNT 3 STREAMS stream >");
                Call(c, "XADD stream * after rewrite");
                Thread.Sleep(50);
            }
            stop.Cancel();
            writer.Join();
            using (var c = network.Connect()) Assert.Equal($"${acked.ToString().Length}\r\n{acked}\r\n", Call(c, "GET counter"));
            before = LogRecoveryServerTests.Dump(network.Connect());
        }
        finally
        {
            server.Stop();
        }
        var manifest = LogManifest.Load(Path.Combine(_dir, "appendonlydir", "appendonly.aof.manifest"), out var error);
        Assert.Null(error);
        Assert.Equal("appendonly.aof.2.base.rdb", manifest!.BaseFile);
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
    public void ARewriteThatCannotClaimItsSegment_FreesTheSnapshotSlot_AndALaterOneWorks()
    {
        var (server, network) = Start();
        try
        {
            using var c = network.Connect();
            Call(c, "SET a 1");
            SimulatedStorage.RefuseNew = true;
            Assert.Equal("+Background append only file rewriting started\r\n", Call(c, "BGREWRITEAOF"));
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!Call(c, "INFO persistence").Contains("aof_last_bgrewrite_status:err", StringComparison.Ordinal) && DateTime.UtcNow < deadline) Thread.Sleep(20);
            Assert.Contains("aof_rewrite_in_progress:0", Call(c, "INFO persistence"));
            SimulatedStorage.RefuseNew = false;
            Assert.Equal("+Background append only file rewriting started\r\n", Call(c, "BGREWRITEAOF"));
            deadline = DateTime.UtcNow.AddSeconds(10);
            while (!Call(c, "INFO persistence").Contains("aof_rewrites:1", StringComparison.Ordinal) && DateTime.UtcNow < deadline) Thread.Sleep(20);
            Assert.Contains("aof_last_bgrewrite_status:ok", Call(c, "INFO persistence"));
        }
        finally
        {
            SimulatedStorage.RefuseNew = false;
            server.Stop();
        }
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
