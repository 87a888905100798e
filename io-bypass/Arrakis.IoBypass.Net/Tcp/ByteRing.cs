namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>
/// A fixed-capacity ring of bytes: the send and receive buffers of a socket (smoltcp's RingBuffer). Its storage
/// is allocated once, when the first byte is written, as a pinned array: a half-open connection (a SYN flood's
/// backlog) holds none, and a young collection never copies one (128 half-open sockets with their 64 KiB rings
/// made at the SYN cost a 3.3 ms gen0 pause in the SYN flood test, 13.6 ms in a CI run). Bytes are appended at
/// the tail and consumed at the head. The receive side also writes out-of-order data into the free space past the
/// tail (<see cref="WriteUnallocated"/>) and later commits it (<see cref="CommitUnallocated"/>). Methods clip to
/// what fits and return counts; none throws for lengths or offsets out of range. Single-threaded.
/// </summary>
internal sealed class ByteRing
{
    private byte[]? _storage;
    private int _head;

    public ByteRing(int capacity) => Capacity = Math.Max(1, capacity);

    public int Capacity { get; }

    /// <summary>True once a byte was written (the storage exists).</summary>
    public bool Allocated => _storage is not null;

    private byte[] Storage => _storage ??= GC.AllocateArray<byte>(Capacity, pinned: true);

    /// <summary>Bytes held.</summary>
    public int Length { get; private set; }

    public int Free => Capacity - Length;

    /// <summary>Appends as much of <paramref name="data"/> as fits; returns the count.</summary>
    public int Enqueue(ReadOnlySpan<byte> data)
    {
        int n = WriteUnallocated(0, data);
        Length += n;
        return n;
    }

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/> bytes past the tail without growing
    /// <see cref="Length"/>, clipped to the free space; returns the bytes written.</summary>
    public int WriteUnallocated(int offset, ReadOnlySpan<byte> data)
    {
        if (offset < 0 || offset >= Free) return 0;
        int n = Math.Min(data.Length, Free - offset);
        if (n == 0) return 0;
        var storage = Storage;
        int start = (_head + Length + offset) % Capacity;
        int first = Math.Min(n, Capacity - start);
        data[..first].CopyTo(storage.AsSpan(start));
        data[first..n].CopyTo(storage);
        return n;
    }

    /// <summary>Grows <see cref="Length"/> by <paramref name="count"/> bytes already written past the tail (clipped to free space).</summary>
    public void CommitUnallocated(int count) => Length += Math.Clamp(count, 0, Free);

    /// <summary>Copies up to destination.Length bytes starting <paramref name="offset"/> bytes after the head,
    /// without consuming them; returns the count.</summary>
    public int Peek(int offset, Span<byte> destination)
    {
        if (offset < 0 || offset >= Length) return 0;
        int n = Math.Min(destination.Length, Length - offset);
        if (n == 0) return 0;
        var storage = Storage;
        int start = (_head + offset) % Capacity;
        int first = Math.Min(n, Capacity - start);
        storage.AsSpan(start, first).CopyTo(destination);
        storage.AsSpan(0, n - first).CopyTo(destination[first..]);
        return n;
    }

    /// <summary>Copies and consumes up to destination.Length bytes; returns the count.</summary>
    public int Dequeue(Span<byte> destination)
    {
        int n = Peek(0, destination);
        Discard(n);
        return n;
    }

    /// <summary>Consumes up to <paramref name="count"/> bytes from the head.</summary>
    public void Discard(int count)
    {
        count = Math.Clamp(count, 0, Length);
        _head = (_head + count) % Capacity;
        Length -= count; // the head is not reset when empty: out-of-order bytes may wait past the tail
    }
}
