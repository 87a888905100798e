using System.Buffers.Binary;
using Arrakis.IoBypass.Memory;

namespace Arrakis.Server.Keyspace;

/// <summary>
/// The bytes of one <see cref="KeyTable"/>'s records (keys and inline string values) in a few large
/// pages that hold no references, so the garbage collector never walks them and a record costs
/// no object. Records up to <see cref="MaxSmall"/> bytes are carved from shared pages (bump allocation,
/// then per-size-class free lists, in 8-byte steps up to 512 bytes and 64-byte steps above: a freed
/// record is reused in place by the next one of its class); a larger one gets a page of its own,
/// dropped when it is freed.
/// </summary>
/// <remarks>
/// An address is <c>(page + 1) &lt;&lt; 32 | offset</c>, so 0 is never an address.
/// <para>A key table's shared pages come from <see cref="TablePages"/>: native memory in the server process,
/// which the collector neither walks nor counts. They were arrays on the pinned object heap before, whose
/// allocations count against the collector's budget for large objects: a bulk load of new keys set off background
/// gen2 collections with 2-8 ms pauses. Ordinary arrays were tried before that: the small object heap's slack took
/// 1M short strings from ~80 to ~94 bytes per key. A shared page is freed only with the whole heap
/// (<see cref="Release"/>: between commands, or by a command that reads no record, such as FLUSHDB), so no span a
/// command holds outlives its page.</para>
/// <para>A record above <see cref="MaxSmall"/> bytes, and every page of a heap made without page memory (a sorted
/// set's members: the set goes with the command that pops its last member, while that command still reads it), is
/// a pinned array, which lives on while a span still reads it, where freed native memory would not.</para>
/// Not thread-safe: the owning stripe's lock is held.
/// </remarks>
internal sealed class RecordHeap
{
    /// <summary>Where key tables' shared pages come from, process-wide: managed arrays unless the host sets native
    /// memory at startup (<see cref="Runtime.ArrakisServer.RecordPageMemory"/>).</summary>
    internal static IOffHeapMemory TablePages { get; set; } = ManagedOffHeapMemory.Instance;

    private readonly IOffHeapMemory? _pageMemory;

    /// <summary>A heap whose shared pages come from <paramref name="pageMemory"/>, or are pinned arrays when null.</summary>
    public RecordHeap(IOffHeapMemory? pageMemory = null) => _pageMemory = pageMemory;

    public const int Granule = 8;
    public const int MaxSmall = 4096;
    private const int FineLimit = 512, CoarseGranule = 64;
    private const int FirstPageSize = 512;
    private const int MaxPageSize = 64 * 1024;

    private OffHeapBuffer?[] _pages = new OffHeapBuffer?[4];
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

    /// <summary>Returns every page's memory now (native pages would otherwise wait for their finalizers). The
    /// heap must not be used afterwards, and no span into it may still be in use.</summary>
    public void Release()
    {
        for (int p = 0; p < _pageCount; p++)
        {
            _pages[p]?.Dispose();
            _pages[p] = null;
        }
        _current = -1;
        Reserved = Used = 0;
    }

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
            _pages[page] = null; // a pinned array: it lives on while a span still reads it
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
    public ReadOnlySpan<byte> PageBytes(int page) => _pages[page] is not { } p ? default : page == _current ? p.Span[.._bump] : p.Span;

    public Span<byte> Span(long address, int length) => _pages[PageOf(address)]!.Span.Slice((int)address, length);

    /// <summary>The page holding <paramref name="address"/> and the block's offset in it.</summary>
    public Span<byte> Page(long address, out int offset)
    {
        offset = (int)address;
        return _pages[PageOf(address)]!.Span;
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

    private long AllocateLarge(int size) => Address(NewPage(size, large: true), 0);

    private int NewPage(int size, bool large = false)
    {
        int index;
        if (_freePageCount > 0) index = _freePages[--_freePageCount];
        else
        {
            if (_pageCount == _pages.Length) Array.Resize(ref _pages, _pages.Length * 2);
            index = _pageCount++;
        }
        _pages[index] = large || _pageMemory is null ? new PinnedPage(size) : _pageMemory.Allocate(size);
        Reserved += size;
        return index;
    }

    /// <summary>A large record's page: a pinned array, kept alive by any span still reading it.</summary>
    private sealed class PinnedPage(int size) : OffHeapBuffer
    {
        private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(size, pinned: true);

        public override Span<byte> Span => _array;

        public override int Length => _array.Length;

        public override void Dispose() { }
    }
}
