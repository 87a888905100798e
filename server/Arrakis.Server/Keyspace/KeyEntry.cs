namespace Arrakis.Server.Keyspace;

/// <summary>A slot of a <see cref="KeyTable"/>. A free slot has a null <see cref="Key"/>.</summary>
internal struct KeyEntry
{
    public byte[]? Key;
    public object? Value;

    /// <summary>Absolute expiry in Unix milliseconds; 0 = persistent.</summary>
    public long ExpireAt;

    public int Hash;

    /// <summary>Next slot in the bucket chain or in the free list; -1 ends it.</summary>
    public int Next;

    /// <summary>Last access, in seconds of the server clock (OBJECT IDLETIME).</summary>
    public uint LastAccess;

    /// <summary><see cref="EntryFlags"/>.</summary>
    public byte Flags;
}
