using Arrakis.IoBypass.Block;
using Arrakis.IoBypass.Linux.Interop;
using Tmds.Linux;
using static Arrakis.IoBypass.Linux.Interop.LinuxConstants;

namespace Arrakis.IoBypass.Linux.Tests.Block;

/// <summary>
/// The contract for queue pairs over a real O_DIRECT file in the test's temp dir, plus what only they
/// have: a completion eventfd that wakes an edge-triggered watcher (as the data-plane loop watches it)
/// for every batch of completions and for completions left behind, and a linked
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

    /// <summary>The completion eventfd watched as the data-plane loop watches it: epoll, EPOLLIN | EPOLLET.</summary>
    private sealed unsafe class EdgeWatch : IDisposable
    {
        private readonly int _epoll = LibC.epoll_create1(EPOLL_CLOEXEC);

        public EdgeWatch(int fd)
        {
            epoll_event ev = default;
            ev.events = EPOLLIN | EPOLLET;
            ev.data.fd = fd;
            Assert.Equal(0, LibC.epoll_ctl(_epoll, EPOLL_CTL_ADD, fd, &ev));
        }

        /// <summary>True when a new edge arrived within <paramref name="timeoutMs"/>.</summary>
        public bool Woken(int timeoutMs)
        {
            epoll_event ev;
            int n;
            while ((n = LibC.epoll_wait(_epoll, &ev, 1, timeoutMs)) < 0 && LibC.errno == BlockConstants.EINTR) { }
            return n == 1;
        }

        public void Dispose() => LibC.close(_epoll);
    }

    [Fact]
    public void The_completion_eventfd_wakes_an_edge_triggered_watcher_for_every_new_completion()
    {
        using var pair = Create();
        int efd = pair.CompletionEventFd;
        Assert.True(efd >= 0);
        using var watch = new EdgeWatch(efd);
        Assert.False(watch.Woken(0));
        var buffer = pair.AllocateBuffer(4096);
        Assert.Equal(0, pair.QueueWrite(buffer, 0, 4096, 0, BlockWriteFlags.None, 5));
        Assert.Equal(0, pair.QueueFlush(6, afterPrevious: true));
        pair.Submit();
        var seen = new List<BlockCompletion>();
        var span = new BlockCompletion[4];
        while (seen.Count < 2)
        {
            Assert.True(watch.Woken(5000), "the watcher was never woken");
            seen.AddRange(span.Take(pair.ProcessCompletions(span)));
        }
        Assert.Equal([new BlockCompletion(5, 4096), new BlockCompletion(6, 0)], seen);
        // Each posted CQE may signal: a wakeup with nothing left to reap is allowed, a lost one is not.
        while (watch.Woken(50)) Assert.Equal(0, pair.ProcessCompletions(span));

        // A second write wakes the watcher again, whatever the counter was left at.
        Assert.Equal(0, pair.QueueWrite(buffer, 0, 4096, 4096, BlockWriteFlags.None, 7));
        pair.Submit();
        Assert.True(watch.Woken(5000), "the watcher was not woken for the second write");
        int got = pair.ProcessCompletions(span);
        for (int i = 0; got == 0 && i < 50; i++)
        {
            watch.Woken(100);
            got = pair.ProcessCompletions(span);
        }
        Assert.Equal(1, got);
        Assert.Equal(7UL, span[0].Tag);
    }

    [Fact]
    public void Completions_left_behind_by_a_small_span_wake_the_watcher_again()
    {
        using var pair = Create();
        using var watch = new EdgeWatch(pair.CompletionEventFd);
        var buffer = pair.AllocateBuffer(4096);
        for (int i = 0; i < 3; i++) pair.QueueWrite(buffer, 0, 4096, (long)i * 4096, BlockWriteFlags.None, (ulong)i);
        pair.Submit();
        var all = new List<BlockCompletion>();
        var one = new BlockCompletion[1];
        while (all.Count < 3)
        {
            Assert.True(watch.Woken(5000), $"the watcher was not woken with {all.Count} of 3 reaped");
            all.AddRange(one.Take(pair.ProcessCompletions(one)));
        }
        Assert.Equal([0UL, 1UL, 2UL], all.Select(c => c.Tag).Order());
        Assert.Equal(0, pair.ProcessCompletions(one));
    }

    [Fact]
    public void WaitForCompletion_returns_for_a_completion_posted_after_earlier_ones_were_reaped()
    {
        using var pair = Create();
        var buffer = pair.AllocateBuffer(4096);
        var span = new BlockCompletion[4];
        for (int round = 0; round < 3; round++)
        {
            Assert.Equal(0, pair.QueueWrite(buffer, 0, 4096, round * 4096L, BlockWriteFlags.None, (ulong)round));
            pair.Submit();
            int got = 0;
            for (int i = 0; i < 100 && got == 0; i++)
            {
                int rc = pair.WaitForCompletion(5000);
                Assert.True(rc == 0 || rc == -BlockErrno.ETIME, $"WaitForCompletion: {rc}");
                got = pair.ProcessCompletions(span);
            }
            Assert.Equal(1, got);
            Assert.Equal((ulong)round, span[0].Tag);
        }
        Assert.Equal(-BlockErrno.ETIME, pair.WaitForCompletion(0));
    }
}
