using System.Numerics;

namespace Arrakis.Server.Keyspace;

/// <summary>
/// A <see cref="KeyTable"/>'s slots, in segments that never move: seven that double (8, 16, ... 512 slots,
/// 1016 in all), then chunks of 1024 (32 KiB). Growing adds a segment and copies nothing, so a slot keeps
/// its place (SCAN's cursor) and growth leaves neither garbage nor holes. Every segment is a pinned array,
/// which a young collection never copies: with the 256 stripes' tables each under a chunk (100k keys),
/// doubling arrays on the ordinary heap were alive at the first young collection of a load and it copied
/// them all (5 MB promoted, a 10 ms pause in the SET P1 benchmark).
/// </summary>
/// <remarks>A mutable struct held in a field of its table (no indirection on the hot path); copying it shares
/// the segments.</remarks>
internal struct SlotSegments
{
    public const int ChunkShift = 10, ChunkSize = 1 << ChunkShift, ChunkMask = ChunkSize - 1;
    private const int FirstSegment = 8, SmallSegments = 7;

    /// <summary>Slots in the doubling segments.</summary>
    public const int SmallSlots = FirstSegment * ((1 << SmallSegments) - 1);

    private KeyEntry[]?[] _segments;

    public SlotSegments()
    {
        _segments = [GC.AllocateArray<KeyEntry>(FirstSegment, pinned: true)];
        Capacity = FirstSegment;
    }

    /// <summary>Slots allocated.</summary>
    public int Capacity { get; private set; }

    /// <summary>Back to one segment of 8 slots.</summary>
    public void Reset() => this = new SlotSegments();

    public readonly ref KeyEntry this[int index]
    {
        get
        {
            if ((uint)index < SmallSlots)
            {
                // Segment k holds slots [8 * (2^k - 1), 8 * (2^(k+1) - 1)): index + 8 has its top bit at k + 3.
                uint t = (uint)index + FirstSegment;
                int top = BitOperations.Log2(t);
                return ref _segments[top - 3]![t - (1u << top)];
            }
            int j = index - SmallSlots;
            return ref _segments[SmallSegments + (j >> ChunkShift)]![j & ChunkMask];
        }
    }

    /// <summary>Adds the next segment: capacity + 8 slots below <see cref="SmallSlots"/>, a chunk above.</summary>
    public void Grow()
    {
        int segment = Capacity < SmallSlots ? BitOperations.Log2((uint)Capacity + FirstSegment) - 3
            : SmallSegments + ((Capacity - SmallSlots) >> ChunkShift);
        int size = Capacity < SmallSlots ? Capacity + FirstSegment : ChunkSize;
        if (segment >= _segments.Length) Array.Resize(ref _segments, Math.Max(segment + 1, _segments.Length * 2));
        _segments[segment] = GC.AllocateArray<KeyEntry>(size, pinned: true);
        Capacity += size;
    }

    /// <summary>Copies the first <paramref name="used"/> slots, in order, as bytes (a snapshot's capture).</summary>
    public readonly void CopyBelow(int used, Span<byte> destination)
    {
        int copied = 0;
        for (int c = 0; copied < used; c++)
        {
            var segment = _segments[c]!.AsSpan(0, Math.Min(_segments[c]!.Length, used - copied));
            var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(segment);
            bytes.CopyTo(destination);
            destination = destination[bytes.Length..];
            copied += segment.Length;
        }
    }

    /// <summary>
    /// Drops the whole chunks above the first <paramref name="used"/> slots, keeping the doubling segments and
    /// at least one chunk; false (nothing dropped) when less than a chunk would go.
    /// </summary>
    public bool TrimTo(int used)
    {
        int keep = SmallSlots + Math.Max(ChunkSize, (Math.Max(0, used - SmallSlots) + ChunkMask) & ~ChunkMask);
        if (Capacity - keep < ChunkSize) return false;
        for (int c = SmallSegments + ((keep - SmallSlots) >> ChunkShift); c < _segments.Length; c++) _segments[c] = null;
        Capacity = keep;
        return true;
    }
}
