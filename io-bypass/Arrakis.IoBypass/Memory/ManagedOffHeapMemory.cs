namespace Arrakis.IoBypass.Memory;

/// <summary>
/// The in-process stand-in for native memory: each buffer is an ordinary array, so the collector does see it.
/// Same contract (a disposed buffer throws), for code run in-process without Arrakis.IoBypass.Linux.
/// </summary>
public sealed class ManagedOffHeapMemory : IOffHeapMemory
{
    public static readonly ManagedOffHeapMemory Instance = new();

    public OffHeapBuffer Allocate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new ArrayBuffer(GC.AllocateUninitializedArray<byte>(length));
    }

    private sealed class ArrayBuffer(byte[] array) : OffHeapBuffer
    {
        private byte[]? _array = array;

        public override Span<byte> Span
        {
            get
            {
                ObjectDisposedException.ThrowIf(_array is null, this);
                return _array;
            }
        }

        public override int Length => Span.Length;

        public override void Dispose() => _array = null;
    }
}
