using System.Buffers;

namespace Arrakis.IoBypass.Linux.Block;

/// <summary>
/// A <see cref="MemoryManager{T}"/> over native memory it does not own: lets a
/// <see cref="Memory{T}"/> point at an aligned, registered buffer. Pinning is a no-op (native memory
/// does not move). The owner frees the memory only after nothing uses this manager any more.
/// </summary>
internal sealed unsafe class NativeMemoryManager(byte* pointer, int length) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => new(pointer, length);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, length);
        return new MemoryHandle(pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
