using System.Runtime.InteropServices;
using Arrakis.IoBypass.Block;

namespace Arrakis.IoBypass.Linux.Block;

/// <summary>
/// A <see cref="BlockBuffer"/> in native memory aligned to 4096 bytes (NativeMemory.AlignedAlloc,
/// zeroed), usable for O_DIRECT. <see cref="RegisteredIndex"/> is its slot in the io_uring fixed-buffer
/// table, or -1 when it is not registered. Dispose tells the owner (which unregisters the slot) and
/// frees the memory; it is idempotent. Not thread-safe, like its owner.
/// </summary>
internal sealed unsafe class NativeBlockBuffer : BlockBuffer
{
    public const int Alignment = 4096;

    private readonly IQueuePair _owner;
    private readonly Action<NativeBlockBuffer>? _onDispose;
    private readonly NativeMemoryManager _manager;
    private byte* _pointer;

    public NativeBlockBuffer(IQueuePair owner, int length, Action<NativeBlockBuffer>? onDispose)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        _owner = owner;
        _onDispose = onDispose;
        _pointer = (byte*)NativeMemory.AlignedAlloc((nuint)length, Alignment);
        NativeMemory.Clear(_pointer, (nuint)length);
        _manager = new NativeMemoryManager(_pointer, length);
        ByteLength = length;
    }

    public override Memory<byte> Memory => _pointer == null ? Memory<byte>.Empty : _manager.Memory;

    public override IQueuePair Owner => _owner;

    /// <summary>Start of the memory (null after Dispose).</summary>
    public byte* Pointer => _pointer;

    public int ByteLength { get; }

    /// <summary>Slot in the ring's registered-buffer table, or -1.</summary>
    public int RegisteredIndex { get; set; } = -1;

    public bool IsDisposed => _pointer == null;

    public override void Dispose()
    {
        if (_pointer == null) return;
        _onDispose?.Invoke(this);
        NativeMemory.AlignedFree(_pointer);
        _pointer = null;
    }
}
