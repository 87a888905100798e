namespace Arrakis.IoBypass.Linux.Xdp;

/// <summary>
/// The free UMEM chunks of one queue: a stack of chunk base addresses (no allocation after construction)
/// and one owner byte per chunk, so that handing back a chunk the caller does not own is caught as the
/// bug it is. Owning thread only.
/// </summary>
internal sealed class FramePool
{
    /// <summary>Who holds a chunk.</summary>
    public enum Owner : byte { Pool = 0, Kernel = 1, User = 2 }

    private readonly ulong[] _free;
    private readonly Owner[] _owner;
    private readonly int _chunkShift;
    private int _count;

    public FramePool(int chunkSize, int chunkCount)
    {
        if (chunkSize <= 0 || (chunkSize & (chunkSize - 1)) != 0) throw new ArgumentException("chunk size must be a power of two", nameof(chunkSize));
        _chunkShift = System.Numerics.BitOperations.Log2((uint)chunkSize);
        ChunkSize = chunkSize;
        _free = new ulong[chunkCount];
        _owner = new Owner[chunkCount];
        for (int i = 0; i < chunkCount; i++) _free[i] = (ulong)(chunkCount - 1 - i) << _chunkShift;
        _count = chunkCount;
    }

    public int ChunkSize { get; }
    public int Capacity => _free.Length;

    /// <summary>Free chunks.</summary>
    public int Count => _count;

    /// <summary>The base address of the chunk holding UMEM address <paramref name="address"/>.</summary>
    public ulong ChunkOf(ulong address) => address & ~(ulong)(ChunkSize - 1);

    /// <summary>Whether <paramref name="address"/> lies in this pool's UMEM.</summary>
    public bool Contains(ulong address) => (address >> _chunkShift) < (ulong)_free.Length;

    /// <summary>Takes a free chunk for <paramref name="owner"/>; false when none is left.</summary>
    public bool TryTake(Owner owner, out ulong chunk)
    {
        if (_count == 0)
        {
            chunk = 0;
            return false;
        }
        chunk = _free[--_count];
        _owner[chunk >> _chunkShift] = owner;
        return true;
    }

    /// <summary>Returns the chunk holding <paramref name="address"/>, which <paramref name="expected"/> must hold; throws for a bug (foreign or double return).</summary>
    public void Return(ulong address, Owner expected)
    {
        ulong chunk = ChunkOf(address);
        Transfer(chunk, expected, Owner.Pool);
        _free[_count++] = chunk;
    }

    /// <summary>Moves the chunk holding <paramref name="address"/> from <paramref name="from"/> to <paramref name="to"/>; throws for a bug.</summary>
    public void Transfer(ulong address, Owner from, Owner to)
    {
        if (!Contains(address)) throw new ArgumentException($"UMEM address 0x{address:x} is not a buffer of this queue");
        ref Owner o = ref _owner[address >> _chunkShift];
        if (o != from) throw new InvalidOperationException($"UMEM chunk 0x{ChunkOf(address):x} is held by {o}, not {from}");
        o = to;
    }

    /// <summary>Who holds the chunk of <paramref name="address"/> (for tests and checks).</summary>
    public Owner OwnerOf(ulong address) => _owner[address >> _chunkShift];
}
