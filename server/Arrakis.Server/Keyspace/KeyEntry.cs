namespace Arrakis.Server.Keyspace;

/// <summary>
/// A slot of a <see cref="KeyTable"/>: 32 bytes and no references (the garbage collector never
/// scans the slot arrays). The key, and a string value small enough, live in the table's
/// <see cref="RecordHeap"/>; any other value is in the table's object list at <see cref="Handle"/>.
/// A free slot has <see cref="Record"/> 0.
/// </summary>
internal struct KeyEntry
{
    /// <summary>Address of the record in the table's heap: key length, value length, key, inline value.</summary>
    public long Record;

    /// <summary>Absolute expiry in Unix milliseconds; 0 = persistent.</summary>
    public long ExpireAt;

    public int Hash;

    /// <summary>Next slot in the bucket chain or in the free list; -1 ends it.</summary>
    public int Next;

    /// <summary>-1 (<see cref="KeyTable.InlineString"/>): the value is a string inline in the record; -2
    /// (<see cref="KeyTable.PackedHash"/>): a packed hash inline in the record; else its index in the table's object list.</summary>
    public int Handle;

    private uint _meta; // low 8 bits: EntryFlags; high 24 bits: last access (Redis's 24-bit LRU clock, in seconds)

    /// <summary><see cref="EntryFlags"/>.</summary>
    public byte Flags
    {
        readonly get => (byte)_meta;
        set => _meta = (_meta & ~0xFFu) | value;
    }

    /// <summary>Last access, in seconds of the server clock modulo 2^24 (about 194 days, as Redis's LRU clock).</summary>
    public uint LastAccess
    {
        readonly get => _meta >> 8;
        set => _meta = (_meta & 0xFFu) | (value << 8);
    }

    /// <summary>Seconds since the last access (OBJECT IDLETIME), across the 24-bit clock's wrap as Redis computes it.</summary>
    public readonly long IdleSeconds(long nowSeconds) => ((uint)nowSeconds - LastAccess) & 0xFFFFFF;
}
