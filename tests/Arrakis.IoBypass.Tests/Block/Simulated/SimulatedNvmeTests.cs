using Arrakis.IoBypass.Block;
using Arrakis.IoBypass.Block.Simulated;

namespace Arrakis.IoBypass.Tests.Block.Simulated;

public sealed class SimulatedNvmeTests
{
    private static int RunAll(SimulatedNvme dev, List<BlockCompletion> into)
    {
        int n = dev.Submit();
        Span<BlockCompletion> c = stackalloc BlockCompletion[16];
        int got;
        while ((got = dev.ProcessCompletions(c)) > 0) into.AddRange(c[..got].ToArray());
        return n;
    }

    [Fact]
    public void Write_IsReadableAtOnce_ButDurableOnlyAfterFlush()
    {
        using var dev = new SimulatedNvme(1 << 20, seed: 3, writeBackChance: 0);
        var buf = dev.AllocateBuffer(4096);
        buf.Span.Fill(0xAB);
        Assert.Equal(0, dev.QueueWrite(buf, 0, 4096, 8192, BlockWriteFlags.None, 1));
        var done = new List<BlockCompletion>();
        RunAll(dev, done);
        Assert.Equal(new BlockCompletion(1, 4096), done.Single());
        Assert.All(dev.ReadDurable(8192, 4096), b => Assert.Equal(0, b));

        var read = dev.AllocateBuffer(4096);
        dev.QueueRead(read, 0, 4096, 8192, 2);
        RunAll(dev, done);
        Assert.All(read.Span.ToArray(), b => Assert.Equal(0xAB, b));

        dev.QueueFlush(3, afterPrevious: false);
        RunAll(dev, done);
        Assert.All(dev.ReadDurable(8192, 4096), b => Assert.Equal(0xAB, b));
    }

    [Fact]
    public void Crash_LosesUnflushedBlocks_AndTearsMultiBlockWrites()
    {
        bool sawTear = false;
        for (int seed = 0; seed < 20 && !sawTear; seed++)
        {
            using var dev = new SimulatedNvme(1 << 20, seed: seed);
            var buf = dev.AllocateBuffer(4 * 4096);
            buf.Span.Fill(7);
            dev.QueueWrite(buf, 0, 4 * 4096, 0, BlockWriteFlags.None, 1);
            RunAll(dev, []);
            dev.Crash();
            dev.PowerOn();
            var durable = dev.ReadDurable(0, 4 * 4096);
            int survived = Enumerable.Range(0, 4).Count(b => durable[b * 4096] == 7);
            sawTear |= survived is > 0 and < 4;
        }
        Assert.True(sawTear, "some seed must keep part of a four-block write");
    }

    [Fact]
    public void Crash_IsDeterministicForASeed()
    {
        static byte[] Run()
        {
            using var dev = new SimulatedNvme(1 << 20, seed: 42);
            var buf = dev.AllocateBuffer(16 * 4096);
            for (int i = 0; i < buf.Length; i++) buf.Span[i] = (byte)(i / 4096 + 1);
            dev.QueueWrite(buf, 0, buf.Length, 0, BlockWriteFlags.None, 1);
            dev.Submit();
            dev.Crash();
            return dev.ReadDurable(0, buf.Length);
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void LinkedFlush_AfterAFailedWrite_IsCanceled_AndADeadDeviceFailsWithEio()
    {
        using var dev = new SimulatedNvme(1 << 20);
        var buf = dev.AllocateBuffer(4096);
        dev.CrashAtOperation(0);
        dev.QueueWrite(buf, 0, 4096, 0, BlockWriteFlags.None, 1);
        dev.QueueFlush(2, afterPrevious: true);
        var done = new List<BlockCompletion>();
        RunAll(dev, done);
        Assert.Equal([new BlockCompletion(1, -BlockErrno.EIO), new BlockCompletion(2, -BlockErrno.ECANCELED)], done);
        Assert.True(dev.IsDead);
    }

    [Fact]
    public void FuaWrite_IsDurableWithoutFlush_WhenTheDeviceHasFua()
    {
        using var dev = new SimulatedNvme(1 << 20, hasFua: true, writeBackChance: 0);
        var buf = dev.AllocateBuffer(4096);
        buf.Span.Fill(9);
        dev.QueueWrite(buf, 0, 4096, 4096, BlockWriteFlags.Fua, 1);
        RunAll(dev, []);
        dev.Crash();
        Assert.Equal(9, dev.ReadDurable(4096, 1)[0]);
    }

    [Fact]
    public void Misaligned_OrOutOfRange_IsEinval_AndAFullQueueIsEagain()
    {
        using var dev = new SimulatedNvme(1 << 20, depth: 2);
        var buf = dev.AllocateBuffer(8192);
        Assert.Equal(-BlockErrno.EINVAL, dev.QueueWrite(buf, 0, 100, 0, BlockWriteFlags.None, 1));
        Assert.Equal(-BlockErrno.EINVAL, dev.QueueWrite(buf, 0, 4096, 512, BlockWriteFlags.None, 1));
        Assert.Equal(-BlockErrno.EINVAL, dev.QueueWrite(buf, 0, 4096, 1 << 20, BlockWriteFlags.None, 1));
        Assert.Equal(0, dev.QueueFlush(1, false));
        Assert.Equal(0, dev.QueueFlush(2, false));
        Assert.Equal(-BlockErrno.EAGAIN, dev.QueueFlush(3, false));
    }
}
