namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>
/// Which byte ranges past RCV.NXT have arrived out of order (RFC 9293 §3.10.7.4 seventh step: segments
/// beyond RCV.NXT "may be held for later processing"; RFC 5681 §4.2 asks us to keep them). The bytes
/// themselves wait in the receive ring past its tail; this only tracks offsets relative to RCV.NXT.
/// At most a fixed number of disjoint ranges, sorted, allocated once; an insert that would need more
/// is refused (the segment is dropped and the peer retransmits). Single-threaded, never throws.
/// </summary>
internal sealed class Reassembly
{
    private readonly int[] _start;
    private readonly int[] _end;

    public Reassembly(int maxRanges)
    {
        _start = new int[Math.Max(1, maxRanges)];
        _end = new int[Math.Max(1, maxRanges)];
    }

    /// <summary>Disjoint, non-adjacent ranges held, sorted by start.</summary>
    public int Count { get; private set; }

    public bool IsEmpty => Count == 0;

    /// <summary>Range <paramref name="i"/> as [start, end) offsets from RCV.NXT.</summary>
    public (int Start, int End) this[int i] => (_start[i], _end[i]);

    /// <summary>Records [offset, offset + length); merges with neighbours. False (nothing changed) when a new
    /// disjoint range would exceed the capacity; true for an empty or duplicate range.</summary>
    public bool Add(int offset, int length)
    {
        if (length <= 0 || offset < 0) return true;
        int s = offset, e = offset + length;
        int first = 0;
        while (first < Count && _end[first] < s) first++;
        int last = first;
        while (last < Count && _start[last] <= e) last++;
        int merged = last - first; // ranges [first, last) overlap or touch the new one
        if (merged == 0)
        {
            if (Count == _start.Length) return false;
            Array.Copy(_start, first, _start, first + 1, Count - first);
            Array.Copy(_end, first, _end, first + 1, Count - first);
            _start[first] = s;
            _end[first] = e;
            Count++;
            return true;
        }
        _start[first] = Math.Min(s, _start[first]);
        _end[first] = Math.Max(e, _end[last - 1]);
        Remove(first + 1, merged - 1);
        return true;
    }

    /// <summary>Removes and returns the length of a range starting at offset 0 (now contiguous with
    /// RCV.NXT), then rebases the rest by that length. 0 when the first range does not start at 0.</summary>
    public int TakeFront()
    {
        if (Count == 0 || _start[0] != 0) return 0;
        int n = _end[0];
        Remove(0, 1);
        Shift(n);
        return n;
    }

    /// <summary>RCV.NXT advanced by <paramref name="count"/> in-order bytes: rebases every range, trimming
    /// what those bytes covered.</summary>
    public void Shift(int count)
    {
        if (count <= 0) return;
        int w = 0;
        for (int i = 0; i < Count; i++)
        {
            int s = _start[i] - count, e = _end[i] - count;
            if (e <= 0) continue;
            _start[w] = Math.Max(0, s);
            _end[w] = e;
            w++;
        }
        Count = w;
    }

    public void Clear() => Count = 0;

    private void Remove(int index, int n)
    {
        if (n <= 0) return;
        Array.Copy(_start, index + n, _start, index, Count - index - n);
        Array.Copy(_end, index + n, _end, index, Count - index - n);
        Count -= n;
    }
}
