using Arrakis.IoBypass.Block;
using Arrakis.IoBypass.Linux.Block;
using Arrakis.IoBypass.Linux.IoUring;
using Arrakis.IoBypass.Linux.Sockets;
using Arrakis.IoBypass.Linux.Tests.Block;
using Arrakis.IoBypass.Transport;

namespace Arrakis.IoBypass.Linux.Tests.IoUring;

/// <summary>
/// The data-plane idle wait end to end: an epoll source watching a queue pair's completion eventfd
/// wakes when the durable write completes, and once drained it stays quiet (after at most one
/// trailing edge per completion).
/// </summary>
public sealed class CompletionWakeupTests : IDisposable
{
    private readonly TempStorage _storage = new();

    public void Dispose() => _storage.Dispose();

    [Theory]
    [InlineData("io_uring")]
    [InlineData("sync")]
    public void A_blocked_poll_wakes_when_the_log_write_completes(string kind)
    {
        string path = _storage.CreateZeroFile(kind, 1 << 20);
        int fd = TempStorage.OpenDirect(path);
        using IQueuePair pair = kind == "sync"
            ? new SyncQueuePair(fd, 1 << 20, 4096, 16)
            : IoUringQueuePairTests.CreateUring(fd, 1 << 20, new IoUringOptions(Depth: 16));
        using var listener = new KernelListener(["127.0.0.1"], 0, 16);
        using var source = new EpollConnectionSource(listener);
        Assert.True(source.WatchSignal(pair.CompletionEventFd));

        var buffer = pair.AllocateBuffer(4096);
        buffer.Span.Fill(1);
        pair.QueueWrite(buffer, 0, 4096, 0, BlockWriteFlags.None, 1);
        pair.QueueFlush(2, afterPrevious: true);
        pair.Submit();

        var events = new ConnectionEvent[4];
        var completions = new BlockCompletion[4];
        var seen = new List<BlockCompletion>();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (seen.Count < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "no wakeup for the completions");
            int n = source.Poll(events, 1000);
            if (n == 0) continue; // EINTR or a spurious return: poll again
            Assert.Equal(ConnectionEventKind.Wakeup, events[0].Kind);
            seen.AddRange(completions.Take(pair.ProcessCompletions(completions)));
        }
        Assert.Equal([new BlockCompletion(1, 4096), new BlockCompletion(2, 0)], seen);

        // The eventfd is watched edge-triggered and never read back: each posted completion is
        // one edge, so an edge may still be pending for a completion drained above (it posted
        // after the wait that saw the first one returned). Such a wakeup brings nothing new; once
        // it is consumed, the source stays quiet.
        for (int trailing = 0; source.Poll(events, 50) != 0; trailing++)
        {
            Assert.True(trailing < seen.Count, "more wakeups than completions");
            Assert.Equal(0, pair.ProcessCompletions(completions));
        }
        Assert.Equal(0, source.Poll(events, 50));
    }
}
