namespace Arrakis.IoBypass.Nic.Simulated;

/// <summary>
/// A fixed pool of equal frame buffers in one managed slab, with a free list of their handles (the
/// frame's index): taking and giving back never allocates. Owned by one queue's thread.
/// </summary>
internal sealed class FramePool
{
    private readonly byte[] _slab;
    private readonly ulong[] _free;
    private readonly bool[] _taken;
    private int _freeCount;

    public FramePool(int frames, int frameCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frames);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameCapacity, 64);
        FrameCapacity = frameCapacity;
        _slab = new byte[checked(frames * frameCapacity)];
        _free = new ulong[frames];
        _taken = new bool[frames];
        for (int i = 0; i < frames; i++) _free[i] = (ulong)(frames - 1 - i);
        _freeCount = frames;
    }

    public int FrameCapacity { get; }

    public int Count => _free.Length;

    public int FreeCount => _freeCount;

    /// <summary>A free buffer's handle, or false when every buffer is out.</summary>
    public bool TryTake(out ulong handle)
    {
        if (_freeCount == 0)
        {
            handle = 0;
            return false;
        }
        handle = _free[--_freeCount];
        _taken[handle] = true;
        return true;
    }

    /// <summary>Gives a buffer back; a handle that is not out (a bug of the caller) throws.</summary>
    public void Give(ulong handle)
    {
        Check(handle);
        _taken[handle] = false;
        _free[_freeCount++] = handle;
    }

    public Span<byte> Data(ulong handle)
    {
        Check(handle);
        return _slab.AsSpan((int)handle * FrameCapacity, FrameCapacity);
    }

    private void Check(ulong handle)
    {
        if (handle >= (ulong)_taken.Length || !_taken[handle])
            throw new ArgumentException($"frame {handle} is not a buffer the caller holds from this pool", nameof(handle));
    }
}
