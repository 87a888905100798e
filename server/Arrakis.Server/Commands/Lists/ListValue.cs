using Arrakis.Server.Commands.Hashes;

namespace Arrakis.Server.Commands.Lists;

/// <summary>
/// A Redis list as Redis 7.0 keeps it: a quicklist, a sequence of nodes that each pack up to 8 KiB of
/// elements into one byte array (list-max-listpack-size -2). An element costs its bytes plus a length
/// before them (one byte below 128 bytes), so a list of short elements takes about what it holds and a
/// few objects per 8 KiB, never one object per element. Redis's listpack also keeps a back-length after
/// each entry, to walk backwards: here the entries' offsets in the node being walked backwards are
/// cached instead (one byte less per element: 10 lists of 100k 16-byte elements, 18.6 -> 17.7 bytes each).
/// </summary>
/// <remarks>
/// Push and pop at either end are O(1) (nodes keep free room at both ends; popping from the tail reads the
/// offset cache, which a pop from the tail keeps valid). Access by index walks nodes by their counts, then
/// entries; a cursor remembers the last position, so the loops of LRANGE, LREM, LPOS and LINSERT step from
/// one element to the next in O(1), backwards too. Spans returned by the indexer are valid until the list
/// changes. Not thread-safe: the caller holds the key's stripe lock.
/// </remarks>
internal sealed class ListValue
{
    /// <summary>Packed bytes per node before a new node is started (Redis's 8 KiB default).</summary>
    public const int NodeBytes = 8192;

    private Node[] _nodes = [];
    private int _nodeCount;
    private long _bufferBytes; // sum of the nodes' Buffer lengths, kept as they change (AllocatedBytes is O(1))

    // The cursor: element _curIndex is entry _curK of node _curNode, at byte _curOffset (_curIndex -1 = unset).
    private int _curIndex = -1, _curNode, _curOffset, _curK;

    // The offsets of the first _offsetCount entries of node _offsetNode as it was at _offsetVersion: what walking
    // backwards reads (entries have no back-length). Per thread: a node is only read under its list's lock, and a
    // change that moves entries bumps the node's version.
    [ThreadStatic] private static Node? _offsetNode;
    [ThreadStatic] private static int _offsetVersion, _offsetCount;
    [ThreadStatic] private static int[]? _offsets;

    public int Count { get; private set; }

    /// <summary>Bytes held by the node array and the nodes (object, array header, buffer), kept as they change.</summary>
    public long AllocatedBytes => (long)_nodes.Length * 8 + (long)_nodeCount * (24 + 32) + _bufferBytes;

    public ReadOnlySpan<byte> this[int index]
    {
        get
        {
            Seek(index);
            var node = _nodes[_curNode];
            return Entry.Data(node.Buffer, _curOffset);
        }
    }

    public ReadOnlySpan<byte> First => this[0];

    public ReadOnlySpan<byte> Last => this[Count - 1];

    public void PushLeft(ReadOnlySpan<byte> item)
    {
        int size = Entry.Size(item.Length);
        if (_nodeCount == 0 || (_nodes[0].Used + size > NodeBytes && _nodes[0].Count > 0)) InsertNode(0, new Node(size, atEnd: false, full: _nodeCount > 0));
        _bufferBytes += _nodes[0].Prepend(item, size);
        Count++;
        _curIndex = -1;
    }

    public void PushRight(ReadOnlySpan<byte> item)
    {
        int size = Entry.Size(item.Length);
        if (_nodeCount == 0 || (_nodes[_nodeCount - 1].Used + size > NodeBytes && _nodes[_nodeCount - 1].Count > 0)) InsertNode(_nodeCount, new Node(size, atEnd: true, full: _nodeCount > 0));
        _bufferBytes += _nodes[_nodeCount - 1].Append(item, size);
        Count++;
        _curIndex = -1;
    }

    public byte[] PopLeft()
    {
        var item = First.ToArray();
        RemoveFirst();
        return item;
    }

    public byte[] PopRight()
    {
        var item = Last.ToArray();
        RemoveLast();
        return item;
    }

    public void RemoveFirst() => RemoveAt(0);

    public void RemoveLast() => RemoveAt(Count - 1);

    /// <summary>Replaces element <paramref name="index"/>.</summary>
    public void Set(int index, ReadOnlySpan<byte> item)
    {
        Seek(index);
        _bufferBytes += _nodes[_curNode].Replace(_curOffset, item);
        _curIndex = -1;
    }

    /// <summary>Inserts before position <paramref name="index"/> (0..Count).</summary>
    public void Insert(int index, ReadOnlySpan<byte> item)
    {
        if (index == 0)
        {
            PushLeft(item);
            return;
        }
        if (index == Count)
        {
            PushRight(item);
            return;
        }
        Seek(index);
        var node = _nodes[_curNode];
        int size = Entry.Size(item.Length);
        if (node.Used + size > NodeBytes && node.Count > 1)
        {
            // Split the full node at the insertion point (as Redis splits a listpack node).
            int at = _curNode;
            var tail = node.SplitAt(_curOffset);
            InsertNode(at + 1, tail);
            if (node.Count == 0)
            {
                RemoveNode(at);
                at--;
            }
            _bufferBytes += _nodes[at + 1].Prepend(item, size);
        }
        else _bufferBytes += node.InsertAt(_curOffset, item, size);
        Count++;
        _curIndex = -1;
    }

    /// <summary>Removes element <paramref name="index"/>; the cursor stays on the element that takes its place.</summary>
    public void RemoveAt(int index)
    {
        Seek(index);
        var node = _nodes[_curNode];
        _curOffset = node.RemoveAt(_curOffset, last: _curK == node.Count - 1); // never resizes the buffer
        Count--;
        // Without the last entry, the node's other entries are where they were: the cached offsets stay.
        if (ReferenceEquals(_offsetNode, node) && _offsetCount > node.Count) _offsetCount = node.Count;
        if (node.Count == 0)
        {
            RemoveNode(_curNode);
            if (_curNode < _nodeCount && index < Count)
            {
                _curOffset = _nodes[_curNode].Start;
                _curK = 0;
            }
            else _curIndex = -1;
            return;
        }
        if (_curOffset == node.End)
        {
            if (_curNode + 1 < _nodeCount)
            {
                _curNode++;
                _curOffset = _nodes[_curNode].Start;
                _curK = 0;
            }
            else _curIndex = -1;
        }
    }

    /// <summary>Keeps elements [start, end] (inclusive, already clamped), drops the rest.</summary>
    public void Trim(int start, int end)
    {
        if (start > end || start >= Count)
        {
            Clear();
            return;
        }
        var kept = new ListValue();
        for (int i = start; i <= end; i++) kept.PushRight(this[i]);
        _nodes = kept._nodes;
        _nodeCount = kept._nodeCount;
        _bufferBytes = kept._bufferBytes;
        Count = kept.Count;
        _curIndex = -1;
    }

    public void Clear()
    {
        _nodes = [];
        _nodeCount = 0;
        _bufferBytes = 0;
        Count = 0;
        _curIndex = -1;
    }

    public ListValue Clone()
    {
        var copy = new ListValue { _nodes = new Node[_nodeCount], _nodeCount = _nodeCount, _bufferBytes = _bufferBytes, Count = Count };
        for (int i = 0; i < _nodeCount; i++) copy._nodes[i] = _nodes[i].Clone();
        return copy;
    }

    /// <summary>Puts the cursor on element <paramref name="index"/> (0 &lt;= index &lt; Count).</summary>
    private void Seek(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        if (_curIndex >= 0)
        {
            int delta = index - _curIndex;
            if (delta == 0) return;
            if (delta == 1 && StepForward()) return;
            if (delta == -1 && StepBack()) return;
        }
        // Find the node by counts from the nearer end, then the entry from the nearer end of the node.
        int node, first;
        if (index < Count / 2)
        {
            node = 0;
            first = 0;
            while (first + _nodes[node].Count <= index) first += _nodes[node++].Count;
        }
        else
        {
            node = _nodeCount - 1;
            first = Count - _nodes[node].Count;
            while (first > index) first -= _nodes[--node].Count;
        }
        var n = _nodes[node];
        int k = index - first, offset;
        if (k <= n.Count / 2)
        {
            offset = n.Start;
            for (int i = 0; i < k; i++) offset += Entry.SizeAt(n.Buffer, offset);
        }
        else offset = OffsetOf(n, k);
        _curIndex = index;
        _curNode = node;
        _curOffset = offset;
        _curK = k;
    }

    /// <summary>The offset of entry <paramref name="k"/> of <paramref name="n"/>, from the offset cache (extended by
    /// walking forward from the last entry it knows).</summary>
    private static int OffsetOf(Node n, int k)
    {
        if (!ReferenceEquals(_offsetNode, n) || _offsetVersion != n.Version)
        {
            _offsetNode = n;
            _offsetVersion = n.Version;
            _offsetCount = 0;
        }
        if (k < _offsetCount) return _offsets![k];
        if (_offsets is null || _offsets.Length <= k)
        {
            var bigger = new int[Math.Max(64, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)n.Count))];
            if (_offsets is not null) _offsets.AsSpan(0, _offsetCount).CopyTo(bigger);
            _offsets = bigger;
        }
        var offsets = _offsets;
        int offset = _offsetCount == 0 ? n.Start : offsets[_offsetCount - 1] + Entry.SizeAt(n.Buffer, offsets[_offsetCount - 1]);
        for (int i = _offsetCount; ; i++)
        {
            offsets[i] = offset;
            if (i == k) break;
            offset += Entry.SizeAt(n.Buffer, offset);
        }
        _offsetCount = k + 1;
        return offset;
    }

    private bool StepForward()
    {
        var n = _nodes[_curNode];
        int next = _curOffset + Entry.SizeAt(n.Buffer, _curOffset);
        if (next == n.End)
        {
            if (_curNode + 1 >= _nodeCount) return false;
            _curNode++;
            next = _nodes[_curNode].Start;
            _curK = 0;
        }
        else _curK++;
        _curOffset = next;
        _curIndex++;
        return true;
    }

    private bool StepBack()
    {
        var n = _nodes[_curNode];
        if (_curK == 0)
        {
            if (_curNode == 0) return false;
            _curNode--;
            n = _nodes[_curNode];
            _curK = n.Count;
        }
        _curK--;
        _curOffset = OffsetOf(n, _curK);
        _curIndex--;
        return true;
    }

    private void InsertNode(int at, Node node)
    {
        if (_nodeCount == _nodes.Length) Array.Resize(ref _nodes, Math.Max(1, _nodes.Length * 2));
        Array.Copy(_nodes, at, _nodes, at + 1, _nodeCount - at);
        _nodes[at] = node;
        _nodeCount++;
        _bufferBytes += node.Buffer.Length;
    }

    private void RemoveNode(int at)
    {
        _bufferBytes -= _nodes[at].Buffer.Length;
        Array.Copy(_nodes, at + 1, _nodes, at, _nodeCount - at - 1);
        _nodes[--_nodeCount] = null!;
        if (_nodeCount == 0) _nodes = [];
    }

    /// <summary>One node: entries packed in Buffer[Start..End), free room on both sides.</summary>
    private sealed class Node
    {
        public byte[] Buffer;
        public int Start, End, Count;

        /// <summary>Bumped by every change that moves an entry or shifts the entries' indices (not by an append, nor
        /// by removing the last entry): the offset cache of a node is valid for one version.</summary>
        public int Version;

        /// <summary>A node for a first entry of <paramref name="firstEntry"/> bytes; <paramref name="full"/> when the
        /// list already fills a node (it is long: start at the node size rather than grow to it by doubling).</summary>
        public Node(int firstEntry, bool atEnd, bool full)
        {
            Buffer = new byte[Math.Max(firstEntry, full ? NodeBytes : 32)];
            Start = End = atEnd ? 0 : Buffer.Length;
        }

        private Node(byte[] buffer, int start, int end, int count)
        {
            Buffer = buffer;
            Start = start;
            End = end;
            Count = count;
        }

        public int Used => End - Start;

        public Node Clone() => new((byte[])Buffer.Clone(), Start, End, Count);

        // Append, Prepend, InsertAt and Replace return how many bytes the buffer grew by (ListValue keeps the sum).

        public int Append(ReadOnlySpan<byte> item, int size)
        {
            int grown = Buffer.Length - End < size ? Reshape(size, atEnd: true) : 0;
            Entry.Write(Buffer.AsSpan(End, size), item);
            End += size;
            Count++;
            return grown;
        }

        public int Prepend(ReadOnlySpan<byte> item, int size)
        {
            Version++;
            int grown = Start < size ? Reshape(size, atEnd: false) : 0;
            Start -= size;
            Entry.Write(Buffer.AsSpan(Start, size), item);
            Count++;
            return grown;
        }

        public int InsertAt(int offset, ReadOnlySpan<byte> item, int size)
        {
            Version++;
            int shift = offset - Start;
            int grown = Buffer.Length - End < size ? Reshape(size, atEnd: true) : 0;
            offset = Start + shift;
            Buffer.AsSpan(offset, End - offset).CopyTo(Buffer.AsSpan(offset + size));
            Entry.Write(Buffer.AsSpan(offset, size), item);
            End += size;
            Count++;
            return grown;
        }

        /// <summary>Removes the entry at <paramref name="offset"/> (<paramref name="last"/>: the node's last entry);
        /// returns where the entry after it now starts.</summary>
        public int RemoveAt(int offset, bool last)
        {
            int size = Entry.SizeAt(Buffer, offset);
            if (!last || offset == Start) Version++;
            Count--;
            if (offset == Start)
            {
                Start += size;
                return Start;
            }
            Buffer.AsSpan(offset + size, End - offset - size).CopyTo(Buffer.AsSpan(offset));
            End -= size;
            return offset;
        }

        public int Replace(int offset, ReadOnlySpan<byte> item)
        {
            Version++;
            int old = Entry.SizeAt(Buffer, offset), size = Entry.Size(item.Length);
            int shift = offset - Start;
            int grown = size > old && Buffer.Length - End < size - old ? Reshape(size - old, atEnd: true) : 0;
            offset = Start + shift;
            Buffer.AsSpan(offset + old, End - offset - old).CopyTo(Buffer.AsSpan(offset + size));
            End += size - old;
            Entry.Write(Buffer.AsSpan(offset, size), item);
            return grown;
        }

        /// <summary>Moves the entries from <paramref name="offset"/> on into a new node.</summary>
        public Node SplitAt(int offset)
        {
            Version++;
            int moved = 0;
            for (int o = offset; o < End; o += Entry.SizeAt(Buffer, o)) moved++;
            var tail = new Node(Buffer.AsSpan(offset, End - offset).ToArray(), 0, End - offset, moved);
            End = offset;
            Count -= moved;
            if (Count == 0) Start = End = 0;
            return tail;
        }

        /// <summary>Makes room for <paramref name="needed"/> more bytes at one end: doubles the array (up to
        /// the node limit plus the entry) with the new room on that side; returns how many bytes it grew by.</summary>
        private int Reshape(int needed, bool atEnd)
        {
            Version++;
            int used = End - Start;
            int length = Math.Max(used + needed, Math.Min(Math.Max(Buffer.Length * 2, 64), NodeBytes));
            var bigger = new byte[length];
            int start = atEnd ? 0 : length - used;
            Buffer.AsSpan(Start, used).CopyTo(bigger.AsSpan(start));
            int grown = length - Buffer.Length;
            Buffer = bigger;
            Start = start;
            End = start + used;
            return grown;
        }
    }

    /// <summary>An entry: [varint length][bytes]; the length is one byte for elements shorter than 128 bytes.</summary>
    private static class Entry
    {
        public static int Size(int length) => PackedPairs.VarintSize(length) + length;

        public static void Write(Span<byte> dest, ReadOnlySpan<byte> item)
        {
            int n = PackedPairs.WriteVarint(dest, item.Length);
            item.CopyTo(dest[n..]);
        }

        public static ReadOnlySpan<byte> Data(byte[] buffer, int offset)
        {
            int pos = offset;
            int length = PackedPairs.ReadVarint(buffer, ref pos);
            return buffer.AsSpan(pos, length);
        }

        /// <summary>Size of the entry that starts at <paramref name="offset"/>.</summary>
        public static int SizeAt(byte[] buffer, int offset)
        {
            int pos = offset;
            int length = PackedPairs.ReadVarint(buffer, ref pos);
            return pos - offset + length;
        }
    }
}
