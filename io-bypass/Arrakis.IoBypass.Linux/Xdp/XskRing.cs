using Arrakis.IoBypass.Linux.Interop.Xdp;
using Arrakis.IoBypass.Linux.Interop;

namespace Arrakis.IoBypass.Linux.Xdp;

/// <summary>
/// One mmapped AF_XDP ring (fill, completion, RX or TX), the producer/consumer protocol of libxdp's
/// xsk.h: the side that produces caches the consumer index (plus the ring size) and the side that
/// consumes caches the producer index, so the shared indices are read only when the cached view runs
/// out. This type is the only place with acquire/release ordering on the shared indices: the other
/// side's index is read with <see cref="Volatile.Read(ref uint)"/> (acquire: entries it published are
/// visible), ours is published with <see cref="Volatile.Write(ref uint, uint)"/> (release: entries we
/// wrote are visible before the index moves).
/// </summary>
/// <remarks>
/// Not thread-safe: the owning queue's thread only. Producer rings (fill, TX) use <see cref="Reserve"/>
/// and <see cref="Submit"/>; consumer rings (RX, completion) use <see cref="Peek"/> and <see cref="Release"/>.
/// </remarks>
internal sealed unsafe class XskRing : IDisposable
{
    private readonly uint* _producer;
    private readonly uint* _consumer;
    private readonly uint* _flags;
    private readonly byte* _entries;
    private readonly uint _mask;
    private readonly int _entrySize;
    private nint _map;
    private readonly nuint _mapLength;

    /// <summary>Producer ring: our next free slot. Consumer ring: the kernel's producer index last read.</summary>
    private uint _cachedProd;

    /// <summary>Producer ring: the kernel's consumer index last read plus the size. Consumer ring: our next slot to read.</summary>
    private uint _cachedCons;

    private XskRing(nint map, nuint length, in xdp_ring_offset off, uint size, int entrySize, bool producer)
    {
        _map = map;
        _mapLength = length;
        byte* b = (byte*)map;
        _producer = (uint*)(b + off.producer);
        _consumer = (uint*)(b + off.consumer);
        _flags = (uint*)(b + off.flags);
        _entries = b + off.desc;
        Size = size;
        _mask = size - 1;
        _entrySize = entrySize;
        _cachedProd = Volatile.Read(ref *_producer);
        _cachedCons = Volatile.Read(ref *_consumer);
        if (producer) _cachedCons += size;
    }

    /// <summary>Entries in the ring (a power of two).</summary>
    public uint Size { get; }

    /// <summary>
    /// mmaps a ring of <paramref name="size"/> entries of <paramref name="entrySize"/> bytes (16 for RX/TX
    /// descriptors, 8 for fill/completion addresses) at page offset <paramref name="pgoff"/> of the socket.
    /// Returns 0 and the ring, or -errno.
    /// </summary>
    public static int Map(int xskFd, long pgoff, in xdp_ring_offset off, uint size, int entrySize, bool producer, out XskRing? ring)
    {
        ring = null;
        nuint length = (nuint)(off.desc + (ulong)size * (ulong)entrySize);
        nint map = XskNativeMethods.Mmap(length, XskNativeMethods.PROT_READ | XskNativeMethods.PROT_WRITE,
            XskNativeMethods.MAP_SHARED | XskNativeMethods.MAP_POPULATE, xskFd, pgoff);
        if (map < 0) return (int)map;
        ring = new XskRing(map, length, off, size, entrySize, producer);
        return 0;
    }

    /// <summary>A ring over memory the caller mapped (tests: an anonymous mapping playing the kernel's part); Dispose unmaps it.</summary>
    internal static XskRing Wrap(nint map, nuint length, in xdp_ring_offset off, uint size, int entrySize, bool producer) =>
        new(map, length, off, size, entrySize, producer);

    // ---- producer side (fill, TX) ----

    /// <summary>Free slots, refreshing the kernel's consumer index only when the cached view has fewer than <paramref name="wanted"/>.</summary>
    public uint Free(uint wanted)
    {
        uint free = _cachedCons - _cachedProd;
        if (free >= wanted) return free;
        _cachedCons = Volatile.Read(ref *_consumer) + Size;
        return _cachedCons - _cachedProd;
    }

    /// <summary>Reserves up to <paramref name="wanted"/> slots starting at <paramref name="index"/>; returns how many. Invisible to the kernel until <see cref="Submit"/>.</summary>
    public uint Reserve(uint wanted, out uint index)
    {
        uint n = Math.Min(wanted, Free(wanted));
        index = _cachedProd;
        _cachedProd += n;
        return n;
    }

    /// <summary>Publishes <paramref name="count"/> reserved entries (release store of the producer index).</summary>
    public void Submit(uint count) => Volatile.Write(ref *_producer, *_producer + count);

    /// <summary>Entries produced by us that the kernel has not consumed yet (acquire read of its consumer index).</summary>
    public uint InFlight => *_producer - Volatile.Read(ref *_consumer);

    // ---- consumer side (RX, completion) ----

    /// <summary>Takes up to <paramref name="wanted"/> available entries starting at <paramref name="index"/>; returns how many (acquire read of the producer index when the cached view is empty).</summary>
    public uint Peek(uint wanted, out uint index)
    {
        uint available = _cachedProd - _cachedCons;
        if (available == 0)
        {
            _cachedProd = Volatile.Read(ref *_producer);
            available = _cachedProd - _cachedCons;
        }
        uint n = Math.Min(wanted, available);
        index = _cachedCons;
        _cachedCons += n;
        return n;
    }

    /// <summary>Gives <paramref name="count"/> peeked entries back to the kernel (release store of the consumer index).</summary>
    public void Release(uint count) => Volatile.Write(ref *_consumer, *_consumer + count);

    // ---- both ----

    /// <summary>The ring's flags word has XDP_RING_NEED_WAKEUP (the kernel wants a syscall to make progress).</summary>
    public bool NeedsWakeup => (Volatile.Read(ref *_flags) & XdpConstants.XDP_RING_NEED_WAKEUP) != 0;

    /// <summary>The address slot at ring position <paramref name="index"/> (fill and completion rings).</summary>
    public ref ulong AddressAt(uint index) => ref *(ulong*)(_entries + (index & _mask) * (uint)_entrySize);

    /// <summary>The descriptor at ring position <paramref name="index"/> (RX and TX rings).</summary>
    public ref xdp_desc DescriptorAt(uint index) => ref *(xdp_desc*)(_entries + (index & _mask) * (uint)_entrySize);

    public void Dispose()
    {
        if (_map == 0) return;
        XskNativeMethods.Munmap(_map, _mapLength);
        _map = 0;
    }
}
