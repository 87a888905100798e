using Arrakis.IoBypass.Linux.Memory;
using Arrakis.IoBypass.Memory;

namespace Arrakis.IoBypass.Linux.Tests.Memory;

/// <summary>Both off-heap allocators keep the same contract: the bytes hold what was written, a disposed
/// buffer throws, disposing twice is harmless; the native one allocates nothing on the managed heap for the bytes.</summary>
public sealed class OffHeapMemoryTests
{
    public static TheoryData<string> Allocators => new() { "native", "managed" };

    private static IOffHeapMemory Of(string name) => name == "native" ? NativeOffHeapMemory.Instance : ManagedOffHeapMemory.Instance;

    [Theory]
    [MemberData(nameof(Allocators))]
    public void A_buffer_keeps_its_bytes_until_disposed(string allocator)
    {
        var buffers = new List<OffHeapBuffer>();
        var random = new Random(7);
        var expected = new List<byte[]>();
        foreach (int length in new[] { 0, 1, 4095, 64 * 1024, 300 * 1024 })
        {
            var buffer = Of(allocator).Allocate(length);
            Assert.Equal(length, buffer.Length);
            Assert.Equal(length, buffer.Span.Length);
            var bytes = new byte[length];
            random.NextBytes(bytes);
            bytes.CopyTo(buffer.Span);
            buffers.Add(buffer);
            expected.Add(bytes);
        }
        for (int i = 0; i < buffers.Count; i++) Assert.True(buffers[i].Span.SequenceEqual(expected[i]));
        foreach (var buffer in buffers)
        {
            buffer.Dispose();
            Assert.Throws<ObjectDisposedException>(() => buffer.Span.Length);
            buffer.Dispose();
        }
    }

    [Fact]
    public void Native_bytes_are_not_on_the_managed_heap()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        using (var buffer = NativeOffHeapMemory.Instance.Allocate(8 << 20)) buffer.Span.Fill(1);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4096);
        Assert.ThrowsAny<ArgumentException>(() => NativeOffHeapMemory.Instance.Allocate(-1));
    }
}
