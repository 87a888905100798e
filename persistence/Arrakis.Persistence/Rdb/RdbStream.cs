namespace Arrakis.Persistence.Rdb;

/// <summary>
/// A stream as RDB_TYPE_STREAM_LISTPACKS_2 (Redis 7.0) stores it: the nodes (16-byte big-endian master
/// ID, listpack bytes) in key order, the entry count, last/first/max-deleted IDs, entries added, and
/// the consumer groups. IDs are (ms, seq) pairs. Listpacks pass through unchanged: the reader checks
/// their integrity (lpValidateIntegrity), the stream layout inside them is the server's to check.
/// </summary>
public sealed class RdbStream
{
    public List<(byte[] Key, byte[] Listpack)> Nodes { get; } = new();

    public ulong Length { get; set; }

    public (ulong Ms, ulong Seq) LastId { get; set; }

    public (ulong Ms, ulong Seq) FirstId { get; set; }

    public (ulong Ms, ulong Seq) MaxDeletedId { get; set; }

    public ulong EntriesAdded { get; set; }

    public List<RdbStreamGroup> Groups { get; } = new();

    /// <summary>Read from a 6.x RDB_TYPE_STREAM_LISTPACKS: first ID, max deleted ID and the groups' entries
    /// read are not stored; the loader derives them as Redis 7.0 does.</summary>
    public bool LegacyV1 { get; set; }
}
