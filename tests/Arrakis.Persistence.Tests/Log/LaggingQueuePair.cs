using Arrakis.IoBypass.Block;
using Arrakis.IoBypass.Block.Simulated;

namespace Arrakis.Persistence.Tests.Log;

/// <summary>A simulated device whose completions come back late and out of order (seeded): writes stay in flight across pumps.</summary>
internal sealed class LaggingQueuePair(SimulatedNvme inner, int seed) : IQueuePair
{
    private readonly List<BlockCompletion> _held = new();
    private readonly Random _random = new(seed);

    public SimulatedNvme Inner => inner;

    /// <summary>While true, no completion is given back.</summary>
    public bool Hold { get; set; }
    public string Name => inner.Name;
    public int BlockSize => inner.BlockSize;
    public long Capacity => inner.Capacity;
    public int Depth => inner.Depth;
    public bool HasFua => inner.HasFua;
    public int CompletionEventFd => 0; // pretend completions wake a waiter: the log must not expect them inside Submit
    public BlockBuffer AllocateBuffer(int length) => inner.AllocateBuffer(length);
    public int QueueWrite(BlockBuffer buffer, int bufferOffset, int length, long deviceOffset, BlockWriteFlags flags, ulong tag) => inner.QueueWrite(buffer, bufferOffset, length, deviceOffset, flags, tag);
    public int QueueRead(BlockBuffer buffer, int bufferOffset, int length, long deviceOffset, ulong tag) => inner.QueueRead(buffer, bufferOffset, length, deviceOffset, tag);
    public int QueueFlush(ulong tag, bool afterPrevious) => inner.QueueFlush(tag, afterPrevious);
    public int Submit() => inner.Submit();

    public int ProcessCompletions(Span<BlockCompletion> completions)
    {
        Span<BlockCompletion> fresh = stackalloc BlockCompletion[16];
        int n;
        while ((n = inner.ProcessCompletions(fresh)) > 0) _held.AddRange(fresh[..n].ToArray());
        int given = 0;
        for (int i = 0; i < _held.Count && given < completions.Length;)
        {
            if (!Hold && _random.Next(3) == 0)
            {
                completions[given++] = _held[i];
                _held.RemoveAt(i);
            }
            else
            {
                i++;
            }
        }
        return given;
    }

    public int WaitForCompletion(int timeoutMs) => 0;
    public void Dispose() => inner.Dispose();
}
