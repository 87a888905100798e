using Arrakis.Server.Commands.Hashes;
using Arrakis.Server.Commands.Lists;
using Arrakis.Server.Commands.Sets;
using Arrakis.Server.Commands.SortedSets;
using Arrakis.Server.Commands.Streams;
using Arrakis.Server.Commands.Strings;

namespace Arrakis.Server.Keyspace;

/// <summary>
/// The bytes a value object holds on the managed heap: object headers, arrays rounded to 8 bytes, and the
/// collections' own arrays at their capacity. O(1) for every type (each keeps its byte count as it changes;
/// a stream adds a term per consumer group), so a table can keep the sum of its values current after every
/// write (<see cref="KeyTable.ValueBytes"/>) and MEMORY USAGE reports the same figure.
/// </summary>
internal static class ValueSize
{
    public const int ObjectHeader = 16, ArrayHeader = 24, Reference = 8;

    /// <summary>A List&lt;T&gt; object (header, array reference, count, version).</summary>
    public const int ListObject = 32;

    /// <summary>A Dictionary object (header, buckets, entries, comparer and counters).</summary>
    public const int DictionaryObject = 80;

    public static long Array(long length) => Align(ArrayHeader + length);

    public static long Align(long n) => (n + 7) & ~7L;

    /// <summary>A Dictionary's arrays at <paramref name="capacity"/>: an int bucket and an entry of
    /// <paramref name="entryBytes"/> (hash, next, key, value) per slot.</summary>
    public static long Dictionary(int capacity, int entryBytes) =>
        DictionaryObject + (capacity == 0 ? 0 : Array(4L * capacity) + Array((long)entryBytes * capacity));

    public static long Of(object value) => value switch
    {
        byte[] s => Array(s.Length),
        GrowableString g => ObjectHeader + 8 + Array(g.Buffer.Length),
        ListValue l => ObjectHeader + 24 + l.AllocatedBytes,
        HashValue h => ObjectHeader + 24 + h.AllocatedBytes,
        SetValue s => ObjectHeader + 24 + s.AllocatedBytes,
        SortedSetValue z => ObjectHeader + 24 + z.AllocatedBytes,
        StreamValue x => x.AllocatedBytes,
        _ => ObjectHeader,
    };
}
