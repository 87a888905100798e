using Arrakis.IoBypass.Memory;
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

    [Fact]
    public void Shared_pages_come_from_the_page_memory_and_go_back_on_release_while_large_records_stay_arrays()
    {
        var memory = new CountingMemory();
        var heap = new RecordHeap(memory);
        var small = new List<long>();
        for (int i = 0; i < 5000; i++) small.Add(heap.Allocate(40 + i % 50));
        long large = heap.Allocate(RecordHeap.MaxSmall + 1);
        Assert.True(memory.Allocated.Count > 1);
        Assert.All(memory.Allocated, b => Assert.True(b.Length <= 64 * 1024)); // the large record is not among them
        Assert.Equal(memory.Allocated.Sum(b => (long)b.Length) + RecordHeap.Rounded(RecordHeap.MaxSmall + 1), heap.Reserved);
        heap.Span(large, 8).Fill(7);
        heap.Span(small[^1], 8).Fill(9);

        heap.Release();
        Assert.Equal(0, heap.Reserved);
        Assert.All(memory.Allocated, b => Assert.Throws<ObjectDisposedException>(() => b.Span.Length));
    }

    [Fact]
    public void A_table_takes_its_pages_from_its_page_memory_and_gives_them_back_on_release()
    {
        var memory = new CountingMemory();
        var table = new KeyTable(memory);
        table.AddString("k"u8, KeyTable.Hash("k"u8), "v"u8);
        Assert.Single(memory.Allocated);
        Assert.True(table.TryGetString(table.Find("k"u8, KeyTable.Hash("k"u8)), out var v) && v.SequenceEqual("v"u8));
        table.Release();
        Assert.Throws<ObjectDisposedException>(() => memory.Allocated[0].Span.Length);
    }

    private sealed class CountingMemory : IOffHeapMemory
    {
        public readonly List<OffHeapBuffer> Allocated = [];

        public OffHeapBuffer Allocate(int length)
        {
            var b = ManagedOffHeapMemory.Instance.Allocate(length);
            lock (Allocated) Allocated.Add(b);
            return b;
        }
    }
}
