namespace Arrakis.Server.Commands.Lists;

/// <summary>
/// A Redis list: a ring buffer of elements with O(1) push and pop at both ends and O(1) access by
/// index. OBJECT ENCODING answers "quicklist", as Redis 7.0 does for every list.
/// </summary>
/// <remarks>Not thread-safe: the caller holds the key's stripe lock.</remarks>
internal sealed class ListValue
{
    private byte[][] _items = new byte[4][];
    private int _head;

    public int Count { get; private set; }

    /// <summary>Slots of the ring buffer (for memory accounting).</summary>
    public int Capacity => _items.Length;

    public byte[] this[int index]
    {
        get => _items[(_head + index) & (_items.Length - 1)];
        set => _items[(_head + index) & (_items.Length - 1)] = value;
    }

    public void PushLeft(byte[] item)
    {
        Grow();
        _head = (_head - 1) & (_items.Length - 1);
        _items[_head] = item;
        Count++;
    }

    public void PushRight(byte[] item)
    {
        Grow();
        _items[(_head + Count) & (_items.Length - 1)] = item;
        Count++;
    }

    public byte[] PopLeft()
    {
        var item = _items[_head];
        _items[_head] = null!;
        _head = (_head + 1) & (_items.Length - 1);
        Count--;
        return item;
    }

    public byte[] PopRight()
    {
        int i = (_head + Count - 1) & (_items.Length - 1);
        var item = _items[i];
        _items[i] = null!;
        Count--;
        return item;
    }

    /// <summary>Inserts before position <paramref name="index"/> (0..Count).</summary>
    public void Insert(int index, byte[] item)
    {
        PushRight(item);
        for (int i = Count - 1; i > index; i--) this[i] = this[i - 1];
        this[index] = item;
    }

    public void RemoveAt(int index)
    {
        for (int i = index; i < Count - 1; i++) this[i] = this[i + 1];
        PopRight();
    }

    /// <summary>Keeps elements [start, end] (inclusive, already clamped), drops the rest.</summary>
    public void Trim(int start, int end)
    {
        if (start > end || start >= Count)
        {
            Clear();
            return;
        }
        var kept = new byte[end - start + 1][];
        for (int i = 0; i < kept.Length; i++) kept[i] = this[start + i];
        Clear();
        foreach (var k in kept) PushRight(k);
    }

    public void Clear()
    {
        _items = new byte[4][];
        _head = 0;
        Count = 0;
    }

    public ListValue Clone()
    {
        var copy = new ListValue();
        for (int i = 0; i < Count; i++) copy.PushRight(this[i]);
        return copy;
    }

    private void Grow()
    {
        if (Count < _items.Length) return;
        var bigger = new byte[_items.Length * 2][];
        for (int i = 0; i < Count; i++) bigger[i] = this[i];
        _items = bigger;
        _head = 0;
    }
}
