namespace Arrakis.Server.Keyspace;

/// <summary>
/// A collection whose small form is packed bytes (Redis's listpack): in the keyspace those bytes are the
/// value of the key's record, not an object (<see cref="KeyTable.PackedHash"/>, <see cref="KeyTable.PackedZSet"/>),
/// and commands work on them through a view attached to the slot (<see cref="KeyTable.ValueView"/>).
/// </summary>
internal interface IPackedValue
{
    /// <summary>True while the value is in its packed form.</summary>
    bool IsListpack { get; }

    /// <summary>The packed bytes (valid until the next change).</summary>
    ReadOnlySpan<byte> Packed { get; }

    /// <summary>The <see cref="KeyEntry.Handle"/> that marks this kind inline.</summary>
    int PackedKind { get; }

    /// <summary>Makes the value a view of <paramref name="slot"/>, whose record value now holds its bytes.</summary>
    void Attach(KeyTable table, int slot);
}
