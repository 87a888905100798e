namespace Arrakis.Persistence.Rdb;

/// <summary>
/// A value as stored in an RDB, independent of the server's types. Exactly one payload is set,
/// by kind: <see cref="String"/> (string), <see cref="Elements"/> (list in order; set members),
/// <see cref="Pairs"/> (hash field/value), <see cref="Scored"/> (sorted set, ascending by score
/// then member when read from a file or payload). Immutable by convention once handed over.
/// </summary>
public sealed class RdbValue
{
    private RdbValue(RdbValueKind kind, RdbEncodingHint hint)
    {
        Kind = kind;
        Hint = hint;
    }

    /// <summary>The data type.</summary>
    public RdbValueKind Kind { get; }

    /// <summary>Encoding the writer should use; on read: the encoding the entry was stored with.</summary>
    public RdbEncodingHint Hint { get; }

    /// <summary>The string's bytes (Kind == String).</summary>
    public byte[]? String { get; private init; }

    /// <summary>List elements or set members (Kind == List or Set).</summary>
    public List<byte[]>? Elements { get; private init; }

    /// <summary>Hash field/value pairs (Kind == Hash).</summary>
    public List<KeyValuePair<byte[], byte[]>>? Pairs { get; private init; }

    /// <summary>Sorted set member/score pairs (Kind == SortedSet).</summary>
    public List<KeyValuePair<byte[], double>>? Scored { get; private init; }

    /// <summary>Stream nodes, metadata and groups (Kind == Stream).</summary>
    public RdbStream? Stream { get; private init; }

    /// <summary>A stream value.</summary>
    public static RdbValue FromStream(RdbStream stream) => new(RdbValueKind.Stream, RdbEncodingHint.Compact) { Stream = stream };

    /// <summary>A string value.</summary>
    public static RdbValue FromString(byte[] value) => new(RdbValueKind.String, RdbEncodingHint.Compact) { String = value };

    /// <summary>A list value (elements in order, head first).</summary>
    public static RdbValue FromList(List<byte[]> elements) => new(RdbValueKind.List, RdbEncodingHint.Compact) { Elements = elements };

    /// <summary>A set value; <paramref name="hint"/> Compact asks for an intset.</summary>
    public static RdbValue FromSet(List<byte[]> members, RdbEncodingHint hint) => new(RdbValueKind.Set, hint) { Elements = members };

    /// <summary>A hash value; <paramref name="hint"/> Compact asks for a listpack.</summary>
    public static RdbValue FromHash(List<KeyValuePair<byte[], byte[]>> pairs, RdbEncodingHint hint) =>
        new(RdbValueKind.Hash, hint) { Pairs = pairs };

    /// <summary>A sorted set; <paramref name="hint"/> Compact asks for a listpack (pairs then in ascending order).</summary>
    public static RdbValue FromSortedSet(List<KeyValuePair<byte[], double>> scored, RdbEncodingHint hint) =>
        new(RdbValueKind.SortedSet, hint) { Scored = scored };

    /// <summary>Number of elements (1 for a string).</summary>
    public int Count => Kind switch
    {
        RdbValueKind.String => 1,
        RdbValueKind.List or RdbValueKind.Set => Elements!.Count,
        RdbValueKind.Hash => Pairs!.Count,
        RdbValueKind.Stream => (int)Math.Min(int.MaxValue, Stream!.Length),
        _ => Scored!.Count,
    };
}
