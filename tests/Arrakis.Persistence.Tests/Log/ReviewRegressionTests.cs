using System.Text;
using Arrakis.IoBypass.Block.Simulated;
using Arrakis.Persistence.Log;

namespace Arrakis.Persistence.Tests.Log;

/// <summary>Regression tests for what the review of the log found (each named after the finding).</summary>
public sealed class ReviewRegressionTests
{
    private static EffectBuffer Set(string key, string value)
    {
        var e = new EffectBuffer();
        e.Add(0, "SET"u8.ToArray(), Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value));
        return e;
    }

    [Fact]
    public void ARecordOfMoreThan65535Commands_ReadsBack()
    {
        var dev = new SimulatedNvme(64L << 20);
        var log = new AppendLog(dev, 0, 1, FsyncPolicy.Always);
        var e = new EffectBuffer();
        for (int i = 0; i < 70_000; i++) e.Add(0, "INCR"u8.ToArray(), "n"u8.ToArray());
        log.Append(e);
        log.Pump(0);
        var records = new List<LogRecord>();
        var result = new LogReader(dev).Read(0, 1, records.Add);
        Assert.Equal(LogReadStatus.Clean, result.Status);
        Assert.Equal(70_000, records.Single().Commands.Count);
    }

    [Fact]
    public void Drain_UnderEverySec_FlushesWhatWasWrittenWithoutSpinning()
    {
        var dev = new SimulatedNvme(1 << 20);
        var log = new AppendLog(dev, 0, 1, FsyncPolicy.EverySec);
        log.Append(Set("a", "1"));
        log.Pump(0); // written at once, not flushed (the second has not passed)
        Assert.Equal(0, log.DurableLsn);
        var started = Environment.TickCount64;
        Assert.Equal(0, log.Drain(5000));
        Assert.True(Environment.TickCount64 - started < 1000);
        Assert.Equal(1, log.DurableLsn);
        Assert.Equal(0, dev.DirtyBlocks);
    }

    [Fact]
    public void AFuaWrite_DoesNotVouchForEarlierUnflushedWrites()
    {
        var dev = new SimulatedNvme(1 << 20, hasFua: true, writeBackChance: 0);
        var log = new AppendLog(dev, 0, 1, FsyncPolicy.EverySec);
        log.Append(Set("a", new string('x', 5000)));
        log.Pump(0); // written, not flushed
        log.Policy = FsyncPolicy.Always;
        log.Append(Set("b", "2"));
        log.Pump(10);
        long durable = log.DurableLsn;
        dev.Crash();
        dev.PowerOn();
        var records = new List<LogRecord>();
        new LogReader(dev).Read(0, 1, records.Add);
        Assert.True(records.Count >= durable, $"{records.Count} records back, {durable} were called durable");
    }

    [Fact]
    public void AFrameHeaderInsideAValue_DoesNotTurnATornTailIntoCorruption()
    {
        var dev = new SimulatedNvme(1 << 20, writeBackChance: 0);
        var log = new AppendLog(dev, 0, 1, FsyncPolicy.Always);
        // A value that carries a well-formed header claiming everything up to LSN 10^15 durable.
        var fake = new byte[LogFrame.HeaderSize];
        LogFrame.WriteHeader(fake, 1_000_000_000_000_001, 1_000_000_000_000_000, 1, new byte[64]);
        var value = Encoding.Latin1.GetString(fake) + new string('p', 64);
        log.Append(Set("a", "1"));
        log.Pump(0);
        long end = log.EndOffset;
        log.Append(Set("b", value + new string('y', 9000)));
        log.Pump(1);
        dev.CorruptDurable(end + LogFrame.HeaderSize + 200); // the newest frame is damaged: a torn write
        var result = new LogReader(dev).Read(0, 1, _ => { });
        Assert.Equal(LogReadStatus.TornTail, result.Status);
        Assert.Equal(2, result.NextLsn);
    }
}
