using System.Diagnostics;
using System.Text;
using Arrakis.IoBypass.Block.Simulated;
using Arrakis.Persistence.Log;

namespace Arrakis.Persistence.Tests.Log;

public sealed class AppendLogTests
{
    private static EffectBuffer Set(string key, string value, int db = 0)
    {
        var e = new EffectBuffer();
        e.Add(db, "SET"u8.ToArray(), Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value));
        return e;
    }

    private static List<LogRecord> ReadAll(SimulatedNvme dev, out LogReadResult result)
    {
        var records = new List<LogRecord>();
        result = new LogReader(dev).Read(0, 1, records.Add);
        return records;
    }

    private static string Text(LogCommand c) => c.Db + ":" + string.Join(" ", c.Args.Select(a => Encoding.UTF8.GetString(a)));

    [Fact]
    public void Records_AppendedTogether_ShareOneWriteAndOneFlush_AndReadBackInOrder()
    {
        var dev = new SimulatedNvme(1 << 20);
        var log = new AppendLog(dev, 0, 1, FsyncPolicy.Always);
        for (int i = 0; i < 10; i++) Assert.Equal(i + 1, log.Append(Set("k" + i, "v" + i, db: i % 3)));
        Assert.Equal(0, log.DurableLsn);
        Assert.True(log.Pump(0));
        Assert.Equal(10, log.DurableLsn);
        Assert.Equal(1, dev.Writes);
        Assert.Equal(1, dev.Flushes);

        var records = ReadAll(dev, out var result);
        Assert.Equal(LogReadStatus.Clean, result.Status);
        Assert.Equal(11, result.NextLsn);
        Assert.Equal(log.EndOffset, result.EndOffset);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), records.Select(r => r.Lsn));
        Assert.Equal("2:SET k5 v5", Text(records[5].Commands[0]));
    }

    [Fact]
    public void Frames_ArePackedBackToBack_AndTheSharedBlockIsRewrittenIntact()
    {
        var dev = new SimulatedNvme(1 << 20, writeBackChance: 0);
        var log = new AppendLog(dev, 0, 1, FsyncPolicy.Always);
        for (int i = 0; i < 50; i++)
        {
            log.Append(Set("key" + i, new string('x', i * 37)));
            log.Pump(i);
        }
        Assert.Equal(50, log.DurableLsn);
        Assert.Equal(50, dev.Flushes);
        Assert.True(log.EndOffset < 50 * 4096 / 2, "frames share blocks instead of padding each to 4 KiB");
        dev.Crash();
        dev.PowerOn();
        var records = ReadAll(dev, out var result);
        Assert.Equal(LogReadStatus.Clean, result.Status);
        Assert.Equal(50, records.Count);
        Assert.Equal("0:SET key49 " + new string('x', 49 * 37), Text(records[49].Commands[0]));
    }

    [Fact]
    public void Reopening_AtTheEnd_ContinuesTheSameLog()
    {
        var dev = new SimulatedNvme(1 << 20);
        var log = new AppendLog(dev, 0, 1, FsyncPolicy.Always);
        log.Append(Set("a", "1"));
        log.Pump(0);
        ReadAll(dev, out var first);
        var reopened = new AppendLog(dev, first.EndOffset, first.NextLsn, FsyncPolicy.Always);
        Assert.Equal(2, reopened.Append(Set("b", "2")));
        reopened.Pump(0);
        var records = ReadAll(dev, out var second);
        Assert.Equal(LogReadStatus.Clean, second.Status);
        Assert.Equal(["0:SET a 1", "0:SET b 2"], records.Select(r => Text(r.Commands[0])));
    }

    [Fact]
    public void AMultiCommandRecord_IsOneLsn()
    {
        var dev = new SimulatedNvme(1 << 20);
        var log = new AppendLog(dev, 0, 1, FsyncPolicy.Always);
        var e = new EffectBuffer();
        e.Add(0, "INCR"u8.ToArray(), "n"u8.ToArray());
        e.Add(3, "DEL"u8.ToArray(), "old"u8.ToArray());
        Assert.Equal(1, log.Append(e));
        log.Pump(0);
        var records = ReadAll(dev, out _);
        Assert.Equal(["0:INCR n", "3:DEL old"], records.Single().Commands.Select(Text));
    }

    [Fact]
    public void EverySec_WritesWithinAMillisecond_ButFlushesOncePerSecond()
    {
        var dev = new SimulatedNvme(1 << 20);
        var log = new AppendLog(dev, 0, 1, FsyncPolicy.EverySec);
        Assert.Equal(-1, log.WriteDelayMs());
        log.Append(Set("a", "1"));
        Assert.Equal(0, log.WriteDelayMs()); // the first write after a quiet window starts at once
        log.Pump(1000);
        Assert.Equal(1, log.DurableLsn);
        log.Append(Set("b", "2"));
        log.Pump(1500);
        if (dev.Writes == 1)
        {
            // Inside the first write's window (unless this thread lost a millisecond just now): staged, and the
            // caller learns when to come back; once the window is over the write is due.
            Assert.InRange(log.WriteDelayMs(), 0, 1);
            var waited = Stopwatch.StartNew();
            while (log.WriteDelayMs() != 0 && waited.ElapsedMilliseconds < 5000) Thread.Sleep(1);
            Assert.Equal(0, log.WriteDelayMs());
            log.Pump(1500);
        }
        Assert.Equal(1, log.DurableLsn);
        Assert.Equal(2, dev.Writes);
        Assert.Equal(1, dev.DirtyBlocks);
        Assert.Equal(-1, log.WriteDelayMs());
        log.Pump(2100);
        Assert.Equal(2, log.DurableLsn);
        Assert.Equal(0, dev.DirtyBlocks);
    }

    /// <summary>A failed log writes no more: it owes no write, so a caller's idle wait must not spin on it.</summary>
    [Theory]
    [InlineData(FsyncPolicy.EverySec)]
    [InlineData(FsyncPolicy.Always)]
    public void AFailedLog_OwesNoWrite(FsyncPolicy policy)
    {
        var dev = new SimulatedNvme(1 << 20);
        var log = new AppendLog(dev, 0, 1, policy);
        log.Append(Set("a", "1"));
        Assert.Equal(0, log.WriteDelayMs());
        log.FailWith(5);
        Assert.Equal(-1, log.WriteDelayMs());
        log.Pump(0);
        Assert.Equal(0, dev.Writes);
    }

    [Fact]
    public void EverySec_WritesAtOnce_WhenTheWindowHoldsEnough_OrAFlushIsDue()
    {
        var dev = new SimulatedNvme(4 << 20);
        var log = new AppendLog(dev, 0, 1, FsyncPolicy.No);
        log.Append(Set("a", "1"));
        log.Pump(0);
        Assert.Equal(1, dev.Writes);
        // A write just began: a big record goes out at once all the same.
        log.Append(Set("big", new string('x', AppendLog.WriteWindowBytes)));
        log.Pump(0);
        Assert.Equal(2, dev.Writes);
        log.Policy = FsyncPolicy.EverySec;
        log.Append(Set("b", "2"));
        log.Pump(5000); // the second's flush is due: written with it
        Assert.Equal(3, dev.Writes);
        Assert.Equal(3, log.DurableLsn);
        log.Policy = FsyncPolicy.Always;
        log.Append(Set("c", "3"));
        Assert.Equal(0, log.WriteDelayMs()); // always never waits
        log.Pump(5001);
        Assert.Equal(4, dev.Writes);
        Assert.Equal(4, log.DurableLsn);
    }

    [Fact]
    public void AFullDevice_FailsTheLogWithEnospc_AndAppendsNothing()
    {
        var dev = new SimulatedNvme(8192);
        var log = new AppendLog(dev, 0, 1, FsyncPolicy.Always);
        Assert.Equal(1, log.Append(Set("a", new string('x', 4000))));
        Assert.Equal(-1, log.Append(Set("b", new string('x', 5000))));
        Assert.Equal(28, log.FailedErrno);
        Assert.Equal(-1, log.Append(Set("c", "1")));
    }

    [Fact]
    public void ADeviceError_FailsTheLog_AndNothingBecomesDurable()
    {
        var dev = new SimulatedNvme(1 << 20);
        var log = new AppendLog(dev, 0, 1, FsyncPolicy.Always);
        int calls = 0;
        log.DurableAdvanced = () => calls++;
        dev.CrashAtOperation(0);
        log.Append(Set("a", "1"));
        log.Pump(0);
        Assert.Equal(5, log.FailedErrno);
        Assert.Equal(0, log.DurableLsn);
        Assert.Equal(1, calls);
    }
}
