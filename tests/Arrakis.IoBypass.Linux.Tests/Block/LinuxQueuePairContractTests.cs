using Arrakis.IoBypass.Block;
using Arrakis.IoBypass.Linux.Interop;

namespace Arrakis.IoBypass.Linux.Tests.Block;

/// <summary>
/// The contract for queue pairs over a real O_DIRECT file in the test's temp dir, plus what only they
/// have: a completion eventfd that becomes readable and is drained by ProcessCompletions, and a linked
/// flush that the kernel cancels when the write before it fails (a write to a read-only descriptor:
/// -EBADF, reliably, while fdatasync on that descriptor would succeed).
/// </summary>
public abstract class LinuxQueuePairContractTests : QueuePairContractTests
{
    private readonly Dictionary<IQueuePair, string> _paths = new();
    private int _files;

    /// <summary>A queue pair that owns <paramref name="fd"/> (O_DIRECT); must not skip: io_uring works on this machine and in CI.</summary>
    protected abstract IQueuePair CreateOver(int fd, long capacity, int depth);

    protected override IQueuePair Create(int depth = 256)
    {
        string path = Storage.CreateZeroFile($"device-{_files++}", Capacity);
        var pair = CreateOver(TempStorage.OpenDirect(path), Capacity, depth);
        _paths[pair] = path;
        return pair;
    }

    protected override byte[] ReadOutside(IQueuePair pair, long offset, int length)
    {
        using var fs = new FileStream(_paths[pair], FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        fs.Position = offset;
        var bytes = new byte[length];
        fs.ReadExactly(bytes);
        return bytes;
    }

    private static unsafe bool Readable(int fd, int timeoutMs)
    {
        kernel_pollfd pfd = new() { fd = fd, events = BlockConstants.POLLIN };
        return NativeMethods.Poll(&pfd, 1, timeoutMs) == 1;
    }

    [Fact]
    public void A_linked_flush_after_a_failing_write_is_ECANCELED()
    {
        string path = Storage.CreateZeroFile("read-only", Capacity);
        using var pair = CreateOver(TempStorage.OpenDirect(path, readOnly: true), Capacity, 16);
        var buffer = pair.AllocateBuffer(4096);
        Assert.Equal(0, pair.QueueWrite(buffer, 0, 4096, 0, BlockWriteFlags.None, 1));
        Assert.Equal(0, pair.QueueFlush(2, afterPrevious: true));
        Assert.Equal(0, pair.QueueFlush(3, afterPrevious: false));
        Assert.Equal(3, pair.Submit());
        var done = Reap(pair, 3).ToDictionary(c => c.Tag, c => c.Result);
        Assert.Equal(-BlockErrno.EBADF, done[1]);
        Assert.Equal(-BlockErrno.ECANCELED, done[2]);
        Assert.Equal(0, done[3]);
    }

    [Fact]
    public void The_completion_eventfd_becomes_readable_and_ProcessCompletions_drains_it()
    {
        using var pair = Create();
        int efd = pair.CompletionEventFd;
        Assert.True(efd >= 0);
        Assert.False(Readable(efd, 0));
        var buffer = pair.AllocateBuffer(4096);
        Assert.Equal(0, pair.QueueWrite(buffer, 0, 4096, 0, BlockWriteFlags.None, 5));
        Assert.Equal(0, pair.QueueFlush(6, afterPrevious: true));
        pair.Submit();
        var seen = new List<BlockCompletion>();
        var span = new BlockCompletion[4];
        while (seen.Count < 2)
        {
            Assert.True(Readable(efd, 5000), "eventfd never became readable");
            seen.AddRange(span.Take(pair.ProcessCompletions(span)));
        }
        Assert.Equal([new BlockCompletion(5, 4096), new BlockCompletion(6, 0)], seen);
        Assert.False(Readable(efd, 0));
        Assert.Equal(0, pair.ProcessCompletions(span));
        Assert.False(Readable(efd, 0));
    }

    [Fact]
    public void Completions_left_behind_by_a_small_span_keep_the_eventfd_readable()
    {
        using var pair = Create();
        var buffer = pair.AllocateBuffer(4096);
        for (int i = 0; i < 3; i++) pair.QueueWrite(buffer, 0, 4096, (long)i * 4096, BlockWriteFlags.None, (ulong)i);
        pair.Submit();
        var all = new List<BlockCompletion>();
        var one = new BlockCompletion[1];
        while (all.Count < 3)
        {
            Assert.True(Readable(pair.CompletionEventFd, 5000), $"eventfd not readable with {all.Count} of 3 reaped");
            all.AddRange(one.Take(pair.ProcessCompletions(one)));
        }
        Assert.Equal([0UL, 1UL, 2UL], all.Select(c => c.Tag).Order());
        Assert.Equal(0, pair.ProcessCompletions(one));
        Assert.False(Readable(pair.CompletionEventFd, 0));
    }
}
