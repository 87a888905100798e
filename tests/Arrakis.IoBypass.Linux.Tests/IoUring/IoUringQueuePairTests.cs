using Arrakis.IoBypass.Block;
using Arrakis.IoBypass.Linux.Interop.IoUring;
using Arrakis.IoBypass.Linux.Interop;
using Arrakis.IoBypass.Linux.IoUring;
using Arrakis.IoBypass.Linux.Tests.Block;

namespace Arrakis.IoBypass.Linux.Tests.IoUring;

/// <summary>The queue-pair contract on a real io_uring over an O_DIRECT file (fails, never skips, where io_uring is refused).</summary>
public sealed class IoUringQueuePairTests : LinuxQueuePairContractTests
{
    protected override IQueuePair CreateOver(int fd, long capacity, int depth) => CreateUring(fd, capacity, new IoUringOptions(Depth: depth));

    internal static IoUringQueuePair CreateUring(int fd, long capacity, IoUringOptions options)
    {
        int rc = IoUringQueuePair.Create(fd, capacity, 4096, options, out var pair, out string step);
        if (rc < 0) Tmds.Linux.LibC.close(fd);
        Assert.True(rc == 0, $"{step} failed: {ErrnoText.Format(rc)}");
        return pair!;
    }

    [Fact]
    public void Buffers_are_registered_as_fixed_buffers()
    {
        using var pair = (IoUringQueuePair)Create();
        Assert.True(pair.RegistersBuffers, pair.Describe());
        Assert.Contains("registered buffers", pair.Describe());
        Assert.NotEqual(0u, pair.Features & IoUringConstants.IORING_FEAT_SINGLE_MMAP);
    }

    [Fact]
    public void Unregistered_buffers_and_SQPOLL_keep_the_contract()
    {
        string path = Storage.CreateZeroFile("sqpoll", Capacity);
        using var pair = CreateUring(TempStorage.OpenDirect(path), Capacity, new IoUringOptions(Depth: 8, SqPoll: true, RegisterBuffers: false));
        Assert.Contains("SQPOLL", pair.Describe());
        var buffer = pair.AllocateBuffer(4096);
        Fill(buffer.Span, 9);
        pair.QueueWrite(buffer, 0, 4096, 8192, BlockWriteFlags.None, 1);
        pair.QueueFlush(2, afterPrevious: true);
        Assert.Equal(2, pair.Submit());
        Assert.Equal([new BlockCompletion(1, 4096), new BlockCompletion(2, 0)], Reap(pair, 2));
        Assert.Equal(buffer.Span.ToArray(), ReadOutside(path, 8192, 4096));

        Thread.Sleep(200); // past SqThreadIdleMs: the kernel thread sleeps and Submit must wake it
        Fill(buffer.Span, 10);
        pair.QueueWrite(buffer, 0, 4096, 12288, BlockWriteFlags.None, 3);
        Assert.Equal(1, pair.Submit());
        Assert.Equal([new BlockCompletion(3, 4096)], Reap(pair, 1));
        Assert.Equal(buffer.Span.ToArray(), ReadOutside(path, 12288, 4096));
    }

    [Fact]
    public void When_the_fixed_buffer_table_is_full_buffers_stay_unregistered_and_work_and_freed_slots_are_reused()
    {
        string path = Storage.CreateZeroFile("table", Capacity);
        using var pair = CreateUring(TempStorage.OpenDirect(path), Capacity, new IoUringOptions(Depth: 8, MaxRegisteredBuffers: 1));
        var fixedBuffer = (Linux.Block.NativeBlockBuffer)pair.AllocateBuffer(4096);
        var plain = (Linux.Block.NativeBlockBuffer)pair.AllocateBuffer(4096);
        Assert.Equal(0, fixedBuffer.RegisteredIndex);
        Assert.Equal(-1, plain.RegisteredIndex);
        Fill(fixedBuffer.Span, 1);
        Fill(plain.Span, 2);
        pair.QueueWrite(fixedBuffer, 0, 4096, 0, BlockWriteFlags.None, 1);
        pair.QueueWrite(plain, 0, 4096, 4096, BlockWriteFlags.None, 2);
        pair.QueueFlush(3, afterPrevious: true);
        Assert.Equal(3, pair.Submit());
        Assert.All(Reap(pair, 3), c => Assert.True(c.Result >= 0));
        Assert.Equal(fixedBuffer.Span.ToArray(), ReadOutside(path, 0, 4096));
        Assert.Equal(plain.Span.ToArray(), ReadOutside(path, 4096, 4096));

        fixedBuffer.Dispose();
        var again = (Linux.Block.NativeBlockBuffer)pair.AllocateBuffer(4096);
        Assert.Equal(0, again.RegisteredIndex);
        pair.QueueRead(again, 0, 4096, 4096, 4);
        pair.Submit();
        Assert.Equal([new BlockCompletion(4, 4096)], Reap(pair, 1));
        Assert.True(again.Span.SequenceEqual(plain.Span));
    }

    [Fact]
    public void Fua_writes_use_RWF_DSYNC_when_asked_and_complete_alone()
    {
        string path = Storage.CreateZeroFile("dsync", Capacity);
        using var pair = CreateUring(TempStorage.OpenDirect(path), Capacity, new IoUringOptions(Depth: 8, DsyncWrites: true));
        Assert.True(pair.HasFua);
        var buffer = pair.AllocateBuffer(4096);
        Fill(buffer.Span, 1);
        pair.QueueWrite(buffer, 0, 4096, 0, BlockWriteFlags.Fua, 1);
        pair.Submit();
        Assert.Equal([new BlockCompletion(1, 4096)], Reap(pair, 1));
        Assert.Equal(buffer.Span.ToArray(), ReadOutside(path, 0, 4096));
    }

    [Fact]
    public void A_flush_after_an_already_submitted_write_waits_for_it()
    {
        using var pair = Create();
        var buffer = pair.AllocateBuffer(4096);
        pair.QueueWrite(buffer, 0, 4096, 0, BlockWriteFlags.None, 1);
        pair.Submit();
        pair.QueueFlush(2, afterPrevious: true); // nothing queued before it in this batch: IOSQE_IO_DRAIN
        pair.Submit();
        var done = Reap(pair, 2);
        Assert.Equal([1UL, 2UL], done.Select(c => c.Tag));
    }

    private static byte[] ReadOutside(string path, long offset, int length)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        fs.Position = offset;
        var bytes = new byte[length];
        fs.ReadExactly(bytes);
        return bytes;
    }
}
