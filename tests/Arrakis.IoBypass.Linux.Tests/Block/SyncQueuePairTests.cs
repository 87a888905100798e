using Arrakis.IoBypass.Block;
using Arrakis.IoBypass.Linux.Block;

namespace Arrakis.IoBypass.Linux.Tests.Block;

/// <summary>The queue-pair contract on the sync fallback (submit thread doing pwritev2/preadv2/fdatasync) over an O_DIRECT file.</summary>
public sealed class SyncQueuePairTests : LinuxQueuePairContractTests
{
    protected override IQueuePair CreateOver(int fd, long capacity, int depth) => new SyncQueuePair(fd, capacity, 4096, depth);

    [Fact]
    public void Fua_writes_use_RWF_DSYNC_when_asked()
    {
        string path = Storage.CreateZeroFile("dsync", Capacity);
        using var pair = new SyncQueuePair(TempStorage.OpenDirect(path), Capacity, 4096, 8, dsyncWrites: true);
        Assert.True(pair.HasFua);
        var buffer = pair.AllocateBuffer(4096);
        Fill(buffer.Span, 4);
        pair.QueueWrite(buffer, 0, 4096, 4096, BlockWriteFlags.Fua, 1);
        pair.Submit();
        Assert.Equal([new BlockCompletion(1, 4096)], Reap(pair, 1));
        Assert.Equal(buffer.Span.ToArray(), File.ReadAllBytes(path).AsSpan(4096, 4096).ToArray());
    }
}
