using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Commands.Admin;

/// <summary>
/// MEMORY USAGE: the bytes a key holds in this server's layout (the table slot and bucket, the record
/// of the key and an inline string rounded to its size class, an object value's objects and arrays), measured on the element arrays themselves; for big
/// collections Redis's way: sample <c>samples</c> elements (0: all) and extrapolate.
/// </summary>
internal static class MemoryUsage
{
    private const int ObjectHeader = 16, ArrayHeader = 24, Reference = 8;
    private const int SlotBytes = 32 + 4;             // KeyEntry plus its bucket index
    private const int IndexEntryBytes = 24;           // a Dictionary entry: hash, next, key/value references

    public static long Array(long length) => Align(ArrayHeader + length);

    private static long Align(long n) => (n + 7) & ~7L;

    public static long OfKey(KeyTable table, int slot, int samples) =>
        SlotBytes + table.RecordBytes(slot) + (table.ObjectAt(slot) is { } value ? Reference + OfValue(value, samples) : 0);

    public static long OfValue(object value, int samples) => value switch
    {
        byte[] s => Array(s.Length),
        GrowableString g => ObjectHeader + 8 + Array(g.Buffer.Length),
        ListValue l => ObjectHeader + 24 + l.AllocatedBytes,
        HashValue h when h.IsListpack => ObjectHeader + 24 + Array(h.PackedLength),
        HashValue h => ObjectHeader + 24 + Elements(h.Count, h.Entries, samples, e => Array(e.Key.Length) + Array(e.Value.Length) + 2 * Reference + IndexEntryBytes),
        SetValue s when s.IsIntset => ObjectHeader + 24 + Array(8L * s.Count),
        SetValue s => ObjectHeader + 24 + Elements(s.Count, s.Members, samples, m => Array(m.Length) + Reference + IndexEntryBytes),
        SortedSetValue z when z.IsListpack => ObjectHeader + 24 + Array(z.PackedLength),
        SortedSetValue z => ObjectHeader + 24 + z.SkipListBytes,
        Streams.StreamValue x => ObjectHeader + 64 + x.Nodes.Sum(n => ObjectHeader + 16 + Array(n.Lp.Length)) + (x.Groups?.Values.Sum(g =>
            ObjectHeader + 48 + g.Pending.Count * (ObjectHeader + 64L) + g.Consumers.Values.Sum(c => ObjectHeader + Array(c.Name.Length) + c.Pending.Count * 48L)) ?? 0),
        _ => ObjectHeader,
    };

    private static long Elements<T>(int count, IEnumerable<T> elements, int samples, Func<T, long> size)
    {
        if (count == 0) return 0;
        long sum = 0;
        int seen = 0;
        foreach (var e in samples == 0 ? elements : elements.Take(samples))
        {
            sum += size(e);
            seen++;
        }
        return seen == 0 ? 0 : sum * count / seen;
    }
}
