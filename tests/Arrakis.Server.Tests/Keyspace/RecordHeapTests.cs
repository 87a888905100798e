using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Tests.Keyspace;

public sealed class RecordHeapTests
{
    [Fact]
    public void Blocks_do_not_overlap_and_keep_their_bytes()
    {
        var heap = new RecordHeap();
        var rng = new Random(7);
        var live = new List<(long Address, byte[] Bytes)>();
        for (int step = 0; step < 20000; step++)
        {
            if (live.Count > 0 && rng.Next(3) == 0)
            {
                int i = rng.Next(live.Count);
                var (a, b) = live[i];
                Assert.True(heap.Span(a, b.Length).SequenceEqual(b));
                heap.Free(a, b.Length);
                live.RemoveAt(i);
                continue;
            }
            var bytes = new byte[rng.Next(10) == 0 ? rng.Next(1, 9000) : rng.Next(1, 200)];
            rng.NextBytes(bytes);
            long address = heap.Allocate(bytes.Length);
            Assert.NotEqual(0, address);
            bytes.CopyTo(heap.Span(address, bytes.Length));
            live.Add((address, bytes));
        }
        foreach (var (a, b) in live) Assert.True(heap.Span(a, b.Length).SequenceEqual(b));
        Assert.Equal(live.Sum(x => (long)RecordHeap.Rounded(Math.Max(8, x.Bytes.Length))), heap.Used);
    }

    [Fact]
    public void A_large_block_has_its_own_page_which_is_dropped_when_freed()
    {
        var heap = new RecordHeap();
        long small = heap.Allocate(40);
        long reserved = heap.Reserved;
        long big = heap.Allocate(1 << 20);
        Assert.Equal(reserved + (1 << 20), heap.Reserved);
        heap.Free(big, 1 << 20);
        Assert.Equal(reserved, heap.Reserved);
        Assert.NotEqual(small, big);
    }
}
