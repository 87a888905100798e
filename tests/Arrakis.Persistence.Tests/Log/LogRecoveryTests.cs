using System.Text;
using Arrakis.IoBypass.Block.Simulated;
using Arrakis.Persistence.Log;

namespace Arrakis.Persistence.Tests.Log;

public sealed class LogRecoveryTests
{
    private static EffectBuffer Set(int i, int size)
    {
        var e = new EffectBuffer();
        e.Add(i % 4, "SET"u8.ToArray(), Encoding.UTF8.GetBytes("k" + i), Encoding.UTF8.GetBytes(new string((char)('a' + i % 26), size)));
        return e;
    }

    private static string Text(LogRecord r) => string.Join("|", r.Commands.Select(c => c.Db + ":" + string.Join(" ", c.Args.Select(a => Encoding.UTF8.GetString(a)))));

    /// <summary>
    /// Seeded workloads under every policy, crashed at every kind of moment (between a write and its
    /// flush, in the middle of a multi-block write, after several unflushed writes): what is read back
    /// is exactly a prefix of what was appended, it holds every record that was durable, and the
    /// damage is only ever a torn tail, never reported as corruption.
    /// </summary>
    [Theory]
    [InlineData(FsyncPolicy.Always)]
    [InlineData(FsyncPolicy.EverySec)]
    [InlineData(FsyncPolicy.No)]
    public void AfterACrashAnywhere_RecoveryIsAPrefixHoldingEveryDurableRecord(FsyncPolicy policy)
    {
        for (int seed = 0; seed < 60; seed++)
        {
            var rng = new Random(seed);
            var dev = new SimulatedNvme(4 << 20, seed: seed);
            var log = new AppendLog(dev, 0, 1, policy, bufferBytes: 8192);
            var appended = new List<string>();
            dev.CrashAtOperation(rng.Next(1, 60));
            long durableAtCrash = 0;
            for (int step = 0; step < 400 && !dev.IsDead; step++)
            {
                int burst = rng.Next(1, 6);
                for (int b = 0; b < burst; b++)
                {
                    int i = appended.Count, size = rng.Next(0, rng.Next(2) == 0 ? 100 : 9000);
                    if (log.Append(Set(i, size)) < 0) break;
                    appended.Add($"{i % 4}:SET k{i} {new string((char)('a' + i % 26), size)}");
                }
                durableAtCrash = log.DurableLsn;
                log.Pump(step * 300);
                if (!dev.IsDead) durableAtCrash = log.DurableLsn;
            }
            if (!dev.IsDead) dev.Crash();
            dev.PowerOn();
            var records = new List<LogRecord>();
            var result = new LogReader(dev).Read(0, 1, records.Add);
            Assert.True(result.Status is LogReadStatus.Clean or LogReadStatus.TornTail, $"seed {seed}: {result.Status} {result.Message}");
            Assert.True(records.Count >= durableAtCrash, $"seed {seed}: {records.Count} records back, {durableAtCrash} were durable");
            Assert.Equal(appended.Take(records.Count), records.Select(Text));

            // The cut tail is zeroed; the log then goes on from there and reads back whole.
            if (result.Status == LogReadStatus.TornTail) Assert.Equal(0, LogRepair.ZeroRange(dev, result.EndOffset, result.DamagedBytes));
            var again = new AppendLog(dev, result.EndOffset, result.NextLsn, FsyncPolicy.Always);
            again.Append(Set(999, 10));
            again.Pump(0);
            var after = new List<LogRecord>();
            var second = new LogReader(dev).Read(0, 1, after.Add);
            Assert.Equal(LogReadStatus.Clean, second.Status);
            Assert.Equal(records.Count + 1, after.Count);
        }
    }

    [Fact]
    public void DamageToAFrameALaterFrameKnewDurable_IsCorruption_NamingOffsetAndLsn()
    {
        var dev = new SimulatedNvme(1 << 20);
        var log = new AppendLog(dev, 0, 1, FsyncPolicy.Always);
        for (int i = 0; i < 5; i++)
        {
            log.Append(Set(i, 50));
            log.Pump(i);
        }
        dev.CorruptDurable(LogFrame.HeaderSize + 20);
        var records = new List<LogRecord>();
        var result = new LogReader(dev).Read(0, 1, records.Add);
        Assert.Equal(LogReadStatus.Corrupt, result.Status);
        Assert.Empty(records);
        Assert.Equal(0, result.EndOffset);
        Assert.Contains("offset 0", result.Message);
        Assert.Contains("LSN 1", result.Message);
    }

    [Fact]
    public void ATornLastFrame_IsATornTail_WithItsLength()
    {
        var dev = new SimulatedNvme(1 << 20, writeBackChance: 0);
        var log = new AppendLog(dev, 0, 1, FsyncPolicy.Always);
        log.Append(Set(0, 10));
        log.Pump(0);
        long end = log.EndOffset;
        log.Append(Set(1, 10000));
        log.Pump(1);
        // Flip a byte of the last frame's payload: it was the newest write and nothing later vouches for it.
        dev.CorruptDurable(end + LogFrame.HeaderSize + 5000);
        var records = new List<LogRecord>();
        var result = new LogReader(dev).Read(0, 1, records.Add);
        Assert.Equal(LogReadStatus.TornTail, result.Status);
        Assert.Single(records);
        Assert.Equal(end, result.EndOffset);
        Assert.Equal(2, result.NextLsn);
        Assert.True(result.DamagedBytes > 10000);
    }

    [Fact]
    public void Garbage_NeverThrows_AndIsNeverApplied()
    {
        var rng = new Random(5);
        for (int trial = 0; trial < 200; trial++)
        {
            var dev = new SimulatedNvme(64 * 1024);
            var log = new AppendLog(dev, 0, 1, FsyncPolicy.Always);
            for (int i = 0; i < 3; i++)
            {
                log.Append(Set(i, rng.Next(200)));
                log.Pump(i);
            }
            for (int k = 0; k < 1 + trial % 5; k++) dev.CorruptDurable(rng.Next(0, (int)log.EndOffset + 100), (byte)rng.Next(1, 256));
            var records = new List<LogRecord>();
            var result = new LogReader(dev).Read(0, 1, records.Add);
            Assert.True(records.Count <= 3);
            Assert.Equal(records.Count + 1, result.NextLsn);
        }
    }
}
