using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Commands.Admin;

/// <summary>
/// MEMORY USAGE: the bytes a key holds in this server's layout: its slot and bucket, its record (the key,
/// and an inline string or packed collection, rounded to its size class), and an object value's size as its
/// table accounts it (<see cref="ValueSize"/>, kept exact as the value changes). The same figures make up
/// INFO's used_memory, so the sum of MEMORY USAGE over the keys is the dataset part of it. SAMPLES is
/// accepted and validated as Redis does; the figure is exact whatever it says.
/// </summary>
internal static class MemoryUsage
{
    private const int SlotBytes = 32 + 4; // KeyEntry plus its bucket index

    public static long OfKey(KeyTable table, int slot) =>
        SlotBytes + table.RecordBytes(slot) + (table.ObjectAt(slot) is not null ? ValueSize.Reference + table.AccountedBytes(slot) : 0);
}
