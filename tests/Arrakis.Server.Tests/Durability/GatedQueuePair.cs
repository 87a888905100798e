using Arrakis.IoBypass.Block;

namespace Arrakis.Server.Tests.Durability;

/// <summary>A queue pair whose completions are kept back while the gate is closed: a flush that takes as long as the test wants.</summary>
internal sealed class GatedQueuePair(IQueuePair inner) : IQueuePair
{
    private volatile bool _open = true;

    public bool Open
    {
        get => _open;
        set => _open = value;
    }

    public string Name => inner.Name;
    public int BlockSize => inner.BlockSize;
    public long Capacity => inner.Capacity;
    public int Depth => inner.Depth;
    public bool HasFua => inner.HasFua;
    public int CompletionEventFd => -1;
    public BlockBuffer AllocateBuffer(int length) => new Wrapped(this, inner.AllocateBuffer(length));
    public int QueueWrite(BlockBuffer buffer, int bufferOffset, int length, long deviceOffset, BlockWriteFlags flags, ulong tag) =>
        inner.QueueWrite(((Wrapped)buffer).Inner, bufferOffset, length, deviceOffset, flags, tag);
    public int QueueRead(BlockBuffer buffer, int bufferOffset, int length, long deviceOffset, ulong tag) =>
        inner.QueueRead(((Wrapped)buffer).Inner, bufferOffset, length, deviceOffset, tag);
    public int QueueFlush(ulong tag, bool afterPrevious) => inner.QueueFlush(tag, afterPrevious);
    public int Submit() => inner.Submit();
    public int ProcessCompletions(Span<BlockCompletion> completions) => _open ? inner.ProcessCompletions(completions) : 0;
    public int WaitForCompletion(int timeoutMs) => _open ? inner.WaitForCompletion(timeoutMs) : -BlockErrno.ETIME;
    public void Dispose() => inner.Dispose();

    private sealed class Wrapped(IQueuePair owner, BlockBuffer inner) : BlockBuffer
    {
        public BlockBuffer Inner => inner;
        public override Memory<byte> Memory => inner.Memory;
        public override IQueuePair Owner => owner;
        public override void Dispose() => inner.Dispose();
    }
}
