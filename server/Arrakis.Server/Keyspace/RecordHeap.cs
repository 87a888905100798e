using System.Buffers.Binary;

namespace Arrakis.Server.Keyspace;

/// <summary>
/// The bytes of one <see cref="KeyTable"/>'s records (keys and inline string values) in a few large
/// byte arrays that hold no references, so the garbage collector never walks them and a record costs
/// no object. Records up to <see cref="MaxSmall"/> bytes are carved from shared pages (bump allocation,
/// then per-size-class free lists, in 8-byte steps up to 512 bytes and 64-byte steps above: a freed
/// record is reused in place by the next one of its class); a larger one gets a page of its own,
/// dropped when it is freed.
/// </summary>
/// <remarks>
/// An address is <c>(page + 1) &lt;&lt; 32 | offset</c>, so 0 is never an address. Pages are allocated
/// pinned (the pinned object heap): they are never moved by compaction. Ordinary pages were tried: they
/// cut the pauses of the collections a bulk load of new keys sets off (1-4 ms against one blocking gen2 of
/// 11-17 ms, which the pinned heap's budget triggers), but the small object heap's slack took 1M short
/// strings from ~80 to ~94 bytes per key. Not thread-safe: the owning stripe's lock is held.
/// </remarks>
internal sealed class RecordHeap
{
    public const int Granule = 8;
    public const int MaxSmall = 4096;
    private const int FineLimit = 512, CoarseGranule = 64;
    private const int FirstPageSize = 512;
    private const int MaxPageSize = 64 * 1024;

    private byte[]?[] _pages = new byte[]?[4];
    private int _pageCount;
    private int[] _freePages = [];
    private int _freePageCount;
    private int _smallPages;
    private int _current = -1;
    private int _bump;
    private readonly long[] _free = new long[ClassOf(MaxSmall) + 1];

    /// <summary>Bytes of the pages this heap holds.</summary>
    public long Reserved { get; private set; }

    /// <summary>Bytes of live records (rounded to their size class).</summary>
    public long Used { get; private set; }

    /// <summary>Bytes of freed blocks waiting on the free lists (what compacting the live records would give
    /// back; the unused end of the current page would come back as it is).</summary>
    public long FreeListBytes => Reserved - Used - (_current >= 0 ? _pages[_current]!.Length - _bump : 0);

    /// <summary>The size of the class <paramref name="size"/> falls in.</summary>
    public static int Rounded(int size) => size <= FineLimit ? (size + Granule - 1) & ~(Granule - 1) : (size + CoarseGranule - 1) & ~(CoarseGranule - 1);

    private static int ClassOf(int rounded) => rounded <= FineLimit ? rounded / Granule : FineLimit / Granule + (rounded - FineLimit) / CoarseGranule;

    /// <summary>A block of at least <paramref name="size"/> bytes (contents undefined).</summary>
    public long Allocate(int size)
    {
        int rounded = Rounded(Math.Max(size, Granule));
        Used += rounded;
        if (rounded > MaxSmall) return AllocateLarge(rounded);
        int cls = ClassOf(rounded);
        long head = _free[cls];
        if (head != 0)
        {
            _free[cls] = BinaryPrimitives.ReadInt64LittleEndian(Span(head, Granule));
            return head;
        }
        if (_current < 0 || _pages[_current]!.Length - _bump < rounded) NewSmallPage(rounded);
        long address = Address(_current, _bump);
        _bump += rounded;
        return address;
    }

    /// <summary>Returns the block at <paramref name="address"/> that was allocated with <paramref name="size"/>.</summary>
    public void Free(long address, int size)
    {
        int rounded = Rounded(Math.Max(size, Granule));
        Used -= rounded;
        if (rounded > MaxSmall)
        {
            int page = PageOf(address);
            Reserved -= _pages[page]!.Length;
            _pages[page] = null;
            if (_freePageCount == _freePages.Length) Array.Resize(ref _freePages, Math.Max(4, _freePages.Length * 2));
            _freePages[_freePageCount++] = page;
            return;
        }
        PushFree(address, rounded);
    }

    /// <summary>True when a block allocated with <paramref name="oldSize"/> also fits <paramref name="newSize"/>
    /// without waste (same size class): it can be rewritten in place.</summary>
    public static bool SameClass(int oldSize, int newSize) =>
        Rounded(Math.Max(oldSize, Granule)) == Rounded(Math.Max(newSize, Granule));

    /// <summary>Pages allocated so far (some may have been dropped: <see cref="PageBytes"/> is then empty).</summary>
    public int PageCount => _pageCount;

    /// <summary>The bytes of page <paramref name="page"/> that records may occupy (a snapshot's capture): all of it,
    /// but only up to the bump pointer for the page being carved.</summary>
    public ReadOnlySpan<byte> PageBytes(int page) => page == _current ? _pages[page].AsSpan(0, _bump) : _pages[page];

    public Span<byte> Span(long address, int length) => _pages[PageOf(address)].AsSpan((int)address, length);

    /// <summary>The page holding <paramref name="address"/> and the block's offset in it.</summary>
    public byte[] Page(long address, out int offset)
    {
        offset = (int)address;
        return _pages[PageOf(address)]!;
    }

    internal static int PageOf(long address) => (int)(address >> 32) - 1;

    private static long Address(int page, int offset) => ((long)(page + 1) << 32) | (uint)offset;

    private void PushFree(long address, int rounded)
    {
        int cls = ClassOf(rounded);
        BinaryPrimitives.WriteInt64LittleEndian(Span(address, Granule), _free[cls]);
        _free[cls] = address;
    }

    /// <summary>The largest class size not above <paramref name="bytes"/> (for a page's leftover tail).</summary>
    private static int FloorClass(int bytes) => bytes <= FineLimit ? bytes & ~(Granule - 1) : bytes & ~(CoarseGranule - 1);

    private void NewSmallPage(int needed)
    {
        if (_current >= 0)
        {
            int rest = _pages[_current]!.Length - _bump; // the tail of the old page becomes a free block
            if (rest >= Granule) PushFree(Address(_current, _bump), FloorClass(Math.Min(rest, MaxSmall)));
        }
        int size = Math.Max(needed, Math.Min(MaxPageSize, FirstPageSize << Math.Min(_smallPages, 16)));
        _smallPages++;
        _current = NewPage(size);
        _bump = 0;
    }

    private long AllocateLarge(int size) => Address(NewPage(size), 0);

    private int NewPage(int size)
    {
        int index;
        if (_freePageCount > 0) index = _freePages[--_freePageCount];
        else
        {
            if (_pageCount == _pages.Length) Array.Resize(ref _pages, _pages.Length * 2);
            index = _pageCount++;
        }
        _pages[index] = GC.AllocateUninitializedArray<byte>(size, pinned: true);
        Reserved += size;
        return index;
    }
}
