namespace Arrakis.Server.Keyspace;

/// <summary>
/// Where a packed collection's bytes live (<see cref="IPackedValue"/>): an array the value owns (a copy, or
/// a value being built), or, attached, the value of a key's record in a <see cref="KeyTable"/>, where every
/// change is written back.
/// </summary>
internal struct PackedBytes
{
    private byte[]? _owned;
    private KeyTable? _table;
    private int _slot;

    public static PackedBytes Owned(byte[] bytes) => new() { _owned = bytes };

    public static PackedBytes In(KeyTable table, int slot) => new() { _table = table, _slot = slot };

    /// <summary>The bytes (valid until the next change).</summary>
    public readonly ReadOnlySpan<byte> Span => _table is not null ? _table.PackedValue(_slot) : _owned;

    /// <summary>The slot these bytes are the record value of (table null when owned).</summary>
    public readonly (KeyTable? Table, int Slot) Home => (_table, _slot);

    /// <summary>Makes <paramref name="bytes"/> the packed form: into the slot's record, as <paramref name="kind"/>, when attached.</summary>
    public void Store(int kind, ReadOnlySpan<byte> bytes)
    {
        if (_table is not null) _table.SetPacked(_slot, kind, bytes);
        else _owned = bytes.ToArray();
    }

    /// <summary>Attaches to a slot whose record value now holds the bytes.</summary>
    public void Attach(KeyTable table, int slot) => this = In(table, slot);
}
