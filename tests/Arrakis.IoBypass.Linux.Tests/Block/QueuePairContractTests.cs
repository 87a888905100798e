using Arrakis.IoBypass.Block;

namespace Arrakis.IoBypass.Linux.Tests.Block;

/// <summary>
/// The <see cref="IQueuePair"/> contract every implementation must keep (io_uring, the sync thread,
/// the simulated NVMe): writes and linked flushes complete with the right tags and results, data reads
/// back, many entries go in one Submit, misaligned or out-of-range requests are -EINVAL, a full queue
/// is -EAGAIN, foreign buffers are a bug.
/// </summary>
public abstract class QueuePairContractTests : IDisposable
{
    protected const long Capacity = 1 << 20;

    protected TempStorage Storage { get; } = new();

    /// <summary>A queue pair over a fresh, zeroed device of <see cref="Capacity"/> bytes.</summary>
    protected abstract IQueuePair Create(int depth = 256);

    /// <summary>What the device holds at [offset, offset+length), seen without the queue pair (after a flush).</summary>
    protected abstract byte[] ReadOutside(IQueuePair pair, long offset, int length);

    public void Dispose() => Storage.Dispose();

    /// <summary>Reaps until <paramref name="count"/> completions arrived (5 s limit).</summary>
    protected static List<BlockCompletion> Reap(IQueuePair pair, int count)
    {
        var all = new List<BlockCompletion>();
        var buffer = new BlockCompletion[64];
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (all.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {all.Count} of {count} completions");
            int n = pair.ProcessCompletions(buffer);
            all.AddRange(buffer.Take(n));
            if (n == 0)
            {
                int rc = pair.WaitForCompletion(100);
                Assert.True(rc == 0 || rc == -BlockErrno.ETIME, $"WaitForCompletion: {rc}");
            }
        }
        return all;
    }

    protected static void Fill(Span<byte> span, int seed)
    {
        for (int i = 0; i < span.Length; i++) span[i] = (byte)(i * 31 + seed);
    }

    [Fact]
    public void Write_with_linked_flush_completes_and_reads_back_through_the_pair_and_outside()
    {
        using var pair = Create();
        var buffer = pair.AllocateBuffer(8192);
        Fill(buffer.Span, 7);
        Assert.Equal(0, pair.QueueWrite(buffer, 0, 8192, 4096, BlockWriteFlags.None, 11));
        Assert.Equal(0, pair.QueueFlush(12, afterPrevious: true));
        Assert.Equal(2, pair.Submit());
        var done = Reap(pair, 2);
        Assert.Equal([new BlockCompletion(11, 8192), new BlockCompletion(12, 0)], done);

        var back = pair.AllocateBuffer(8192);
        Assert.Equal(0, pair.QueueRead(back, 0, 8192, 4096, 13));
        Assert.Equal(1, pair.Submit());
        Assert.Equal([new BlockCompletion(13, 8192)], Reap(pair, 1));
        Assert.True(back.Span.SequenceEqual(buffer.Span));
        Assert.Equal(buffer.Span.ToArray(), ReadOutside(pair, 4096, 8192));
        Assert.Equal(new byte[4096], ReadOutside(pair, 0, 4096));
    }

    [Fact]
    public void Many_writes_go_in_one_submit_and_each_completes_with_its_tag()
    {
        using var pair = Create();
        const int count = 64;
        var buffer = pair.AllocateBuffer(count * 4096);
        Fill(buffer.Span, 3);
        for (int i = 0; i < count; i++)
            Assert.Equal(0, pair.QueueWrite(buffer, i * 4096, 4096, (long)i * 4096, BlockWriteFlags.None, (ulong)(100 + i)));
        Assert.Equal(0, pair.QueueFlush(999, afterPrevious: true));
        Assert.Equal(count + 1, pair.Submit());
        var done = Reap(pair, count + 1);
        Assert.Equal(Enumerable.Range(100, count).Select(t => (ulong)t).Append(999UL).Order(), done.Select(c => c.Tag).Order());
        Assert.All(done, c => Assert.Equal(c.Tag == 999 ? 0 : 4096, c.Result));

        var back = pair.AllocateBuffer(count * 4096);
        Assert.Equal(0, pair.QueueRead(back, 0, count * 4096, 0, 1));
        pair.Submit();
        Assert.Equal(count * 4096, Reap(pair, 1)[0].Result);
        Assert.True(back.Span.SequenceEqual(buffer.Span));
    }

    [Fact]
    public void Misaligned_or_out_of_range_requests_are_EINVAL_and_queue_nothing()
    {
        using var pair = Create();
        var buffer = pair.AllocateBuffer(8192);
        int b = pair.BlockSize;
        Assert.Equal(-BlockErrno.EINVAL, pair.QueueWrite(buffer, 0, b, 100, BlockWriteFlags.None, 1));
        Assert.Equal(-BlockErrno.EINVAL, pair.QueueWrite(buffer, 0, 100, 0, BlockWriteFlags.None, 1));
        Assert.Equal(-BlockErrno.EINVAL, pair.QueueWrite(buffer, 0, 0, 0, BlockWriteFlags.None, 1));
        Assert.Equal(-BlockErrno.EINVAL, pair.QueueWrite(buffer, 0, b, -b, BlockWriteFlags.None, 1));
        Assert.Equal(-BlockErrno.EINVAL, pair.QueueWrite(buffer, 0, b, Capacity, BlockWriteFlags.None, 1));
        Assert.Equal(-BlockErrno.EINVAL, pair.QueueWrite(buffer, 4096, 8192, 0, BlockWriteFlags.None, 1));
        Assert.Equal(-BlockErrno.EINVAL, pair.QueueRead(buffer, 0, b, 3, 1));
        Assert.Equal(0, pair.Submit());
        Assert.Equal(0, pair.ProcessCompletions(new BlockCompletion[4]));
    }

    [Fact]
    public void A_full_queue_is_EAGAIN_until_completions_are_reaped()
    {
        using var pair = Create(depth: 4);
        var buffer = pair.AllocateBuffer(4096);
        for (int i = 0; i < 4; i++) Assert.Equal(0, pair.QueueWrite(buffer, 0, 4096, 0, BlockWriteFlags.None, (ulong)i));
        Assert.Equal(-BlockErrno.EAGAIN, pair.QueueFlush(9, afterPrevious: false));
        Assert.Equal(4, pair.Submit());
        Reap(pair, 4);
        Assert.Equal(0, pair.QueueFlush(9, afterPrevious: false));
        pair.Submit();
        Assert.Equal([new BlockCompletion(9, 0)], Reap(pair, 1));
    }

    [Fact]
    public void A_buffer_of_another_queue_pair_is_a_bug()
    {
        using var first = Create();
        using var second = Create();
        var foreign = second.AllocateBuffer(4096);
        Assert.Throws<ArgumentException>(() => first.QueueWrite(foreign, 0, 4096, 0, BlockWriteFlags.None, 1));
    }

    [Fact]
    public void Waiting_with_nothing_in_flight_times_out()
    {
        using var pair = Create();
        Assert.Equal(-BlockErrno.ETIME, pair.WaitForCompletion(20));
    }
}
