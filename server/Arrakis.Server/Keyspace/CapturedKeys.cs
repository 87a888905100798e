using System.Runtime.InteropServices;
using Arrakis.IoBypass.Memory;

namespace Arrakis.Server.Keyspace;

/// <summary>
/// One stripe's key tables as a snapshot captured them (copy on first lock), for the snapshot's writer to
/// serialize after the stripe is let go. A table's slots and record pages are copied as they are into off-heap
/// buffers (a few memory copies: the capture is what a command waits for); object values are deep-copied.
/// Off the managed heap because the copies of a whole keyspace can pile up before the writer takes them: as
/// managed arrays they set off 25-38 young and pinned-heap collections during a BGSAVE of 1M keys, and writes
/// stalled 67-114 ms. <see cref="Dispose"/> (the writer, once serialized) returns the memory.
/// </summary>
/// <remarks>
/// Written by the thread holding the stripe, then read by the writer thread (handed over through a blocking
/// queue, which orders the memory). Read a table's slots with <see cref="Slots"/> and a live slot's record with
/// <see cref="Record"/>; nothing changes a capture once taken.
/// The copies go first into <paramref name="reserve"/> when there is one: memory the snapshot's thread allocated
/// and touched before the snapshot began, so that a command capturing the stripe copies into pages already
/// mapped (fresh memory cost it a page fault per 4 KiB: 4.5-5.3k faults on the data-plane thread and a 28-29 ms
/// stall in a BGSAVE of 1M keys). What does not fit is allocated as before. The part owns the reserve.
/// </remarks>
internal sealed class CapturedKeys(IOffHeapMemory memory, OffHeapBuffer? reserve = null) : IDisposable
{
    private const int MaxBuffer = 1 << 30;

    private readonly List<OffHeapBuffer> _buffers = reserve is null ? [] : [reserve];
    private int _reserveUsed;
    private readonly List<Table> _tables = [];
    private OffHeapBuffer? _pageBuffer;
    private int _pageBufferUsed;
    private long _pageBytesLeft;

    /// <summary>One database's table in the stripe.</summary>
    public sealed class Table
    {
        public required int Db { get; init; }
        public required int Count { get; init; }
        public required int Volatile { get; init; }
        internal required int SlotCount { get; init; }
        internal OffHeapBuffer? SlotBuffer { get; set; }
        internal required (OffHeapBuffer? Buffer, int Offset, int Length)[] Pages { get; init; }
        internal required object?[] Objects { get; init; }
    }

    public IReadOnlyList<Table> Tables => _tables;

    /// <summary>Starts a table of <paramref name="slotCount"/> slots whose pages hold <paramref name="pageBytes"/>
    /// bytes in all; returns where its slots go (<see cref="KeyEntry"/>s as bytes).</summary>
    public Span<byte> BeginTable(int db, int count, int volatileCount, int slotCount, int pageCount, long pageBytes, int objectCount, out Table table)
    {
        table = new Table
        {
            Db = db, Count = count, Volatile = volatileCount, SlotCount = slotCount,
            Pages = new (OffHeapBuffer?, int, int)[pageCount], Objects = objectCount == 0 ? [] : new object?[objectCount],
        };
        _tables.Add(table);
        _pageBytesLeft = pageBytes;
        if (slotCount == 0) return default;
        table.SlotBuffer = Allocate(checked(slotCount * System.Runtime.CompilerServices.Unsafe.SizeOf<KeyEntry>()));
        return table.SlotBuffer.Span;
    }

    /// <summary>Copies the table's page <paramref name="page"/> (its bytes that records may occupy).</summary>
    public void AddPage(Table table, int page, ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return;
        if (_pageBuffer is null || _pageBuffer.Length - _pageBufferUsed < bytes.Length)
        {
            _pageBuffer = Allocate((int)Math.Max(bytes.Length, Math.Min(_pageBytesLeft, MaxBuffer)));
            _pageBufferUsed = 0;
        }
        bytes.CopyTo(_pageBuffer.Span[_pageBufferUsed..]);
        table.Pages[page] = (_pageBuffer, _pageBufferUsed, bytes.Length);
        _pageBufferUsed += bytes.Length;
        _pageBytesLeft -= bytes.Length;
    }

    /// <summary>The table's slots (a free one has <see cref="KeyEntry.Record"/> 0).</summary>
    public static ReadOnlySpan<KeyEntry> Slots(Table table) =>
        table.SlotBuffer is null ? default : MemoryMarshal.Cast<byte, KeyEntry>(table.SlotBuffer.Span)[..table.SlotCount];

    /// <summary>The record of a live slot: its key and inline value (empty for an object value, which is
    /// <paramref name="copy"/>).</summary>
    public static void Record(Table table, in KeyEntry slot, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value, out object? copy)
    {
        var (buffer, offset, length) = table.Pages[RecordHeap.PageOf(slot.Record)];
        KeyTable.ReadRecord(buffer!.Span.Slice(offset, length), (int)slot.Record, out key, out value);
        copy = slot.Handle >= 0 ? table.Objects[slot.Handle] : null;
    }

    private OffHeapBuffer Allocate(int length)
    {
        if (reserve is not null && reserve.Length - _reserveUsed >= length)
        {
            var slice = new Slice(reserve, _reserveUsed, length);
            _reserveUsed = (int)Math.Min(reserve.Length, (_reserveUsed + (long)length + 7) & ~7L); // 8-aligned: slots are read as KeyEntry
            return slice;
        }
        var buffer = memory.Allocate(length);
        _buffers.Add(buffer);
        return buffer;
    }

    /// <summary>A part of the reserve; the reserve is freed with the part, not with the slice.</summary>
    private sealed class Slice(OffHeapBuffer whole, int offset, int length) : OffHeapBuffer
    {
        public override Span<byte> Span => whole.Span.Slice(offset, length);

        public override int Length => length;

        public override void Dispose()
        {
        }
    }

    public void Dispose()
    {
        foreach (var buffer in _buffers) buffer.Dispose();
        _buffers.Clear();
        _pageBuffer = null;
    }
}
