using Arrakis.IoBypass.Block.Simulated;
using Arrakis.Persistence.Log;
using static Arrakis.Server.Tests.Durability.LoggedServer;

namespace Arrakis.Server.Tests.Durability;

/// <summary>appendfsync always: a write's reply, and any read of what it wrote, wait until the log is durable past it.</summary>
public sealed class HeldReplyTests
{
    [Fact]
    public void AWrite_AndAReadOfIt_WaitForTheFlush_WhileOtherRepliesDoNot()
    {
        var dev = new GatedQueuePair(new SimulatedNvme(16L << 20));
        using var s = new LoggedServer(dev);
        using var writer = s.Connect();
        using var reader = s.Connect();
        using var other = s.Connect();
        Assert.Equal("+OK\r\n", Call(other, "SET unrelated-key-zzz 1"));

        dev.Open = false;
        writer.Write("SET k v\r\n"u8);
        Assert.Equal("", ReadReply(writer, 300));
        reader.Write("GET k\r\n"u8);
        Assert.Equal("", ReadReply(reader, 200));
        Assert.Equal("+PONG\r\n", Call(other, "PING"));

        dev.Open = true;
        Assert.Equal("+OK\r\n", ReadReply(writer, 5000));
        Assert.Equal("$1\r\nv\r\n", ReadReply(reader, 5000));
    }

    [Fact]
    public void PipelinedReplies_StayInOrder_BehindAHeldOne()
    {
        var dev = new GatedQueuePair(new SimulatedNvme(16L << 20));
        using var s = new LoggedServer(dev, threads: 1);
        using var c = s.Connect();
        dev.Open = false;
        c.Write("INCR n\r\nPING\r\nINCR n\r\n"u8);
        Assert.Equal("", ReadReply(c, 300));
        dev.Open = true;
        string all = "";
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (all.Length < ":1\r\n+PONG\r\n:2\r\n".Length && DateTime.UtcNow < deadline) all += ReadReply(c, 200);
        Assert.Equal(":1\r\n+PONG\r\n:2\r\n", all);
    }

    [Fact]
    public void EverySec_DoesNotHoldReplies()
    {
        var dev = new GatedQueuePair(new SimulatedNvme(16L << 20));
        using var s = new LoggedServer(dev, FsyncPolicy.EverySec);
        using var c = s.Connect();
        dev.Open = false;
        Assert.Equal("+OK\r\n", Call(c, "SET k v", 2000));
        dev.Open = true;
    }

    /// <summary>Under everysec the log writes at most once a millisecond; what it staged inside that window is written when
    /// the window ends, though no request comes to wake the loop (not at the next cron tick: a second here).</summary>
    [Fact]
    public void EverySec_WritesWhatTheWindowHeld_WhenTheLoopGoesQuiet()
    {
        var sim = new SimulatedNvme(16L << 20);
        using var s = new LoggedServer(sim, FsyncPolicy.EverySec, threads: 1, hz: 1);
        using var c = s.Connect();
        var log = s.Server.State.Durable!;
        for (int round = 0; round < 5; round++)
        {
            // The first write starts at once; the second, a round trip later, lands inside its window.
            Assert.Equal("+OK\r\n", Call(c, "SET a 1"));
            Assert.Equal("+OK\r\n", Call(c, "SET b 2"));
            var deadline = DateTime.UtcNow.AddMilliseconds(500);
            while (log.Log.Counters.Records < log.LastLsn && DateTime.UtcNow < deadline) Thread.Sleep(1);
            Assert.Equal(log.LastLsn, log.Log.Counters.Records);
        }
    }

    [Fact]
    public void AFailedLog_RefusesWrites_WithMisconf_AndClosesClientsItStillOwes()
    {
        var sim = new SimulatedNvme(16L << 20);
        var dev = new GatedQueuePair(sim);
        using var s = new LoggedServer(dev);
        using var owed = s.Connect();
        using var later = s.Connect();
        dev.Open = false;
        sim.CrashAtOperation(sim.Operations);
        owed.Write("SET k v\r\n"u8);
        Assert.Equal("", ReadReply(owed, 200));
        dev.Open = true;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!owed.ServerClosed && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.True(owed.ServerClosed);
        Assert.Equal("-MISCONF Errors writing to the AOF file: Input/output error\r\n", Call(later, "SET x 1"));
        Assert.Equal("+PONG\r\n", Call(later, "PING"));
    }
}
