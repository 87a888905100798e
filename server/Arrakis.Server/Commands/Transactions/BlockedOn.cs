namespace Arrakis.Server.Commands.Transactions;

/// <summary>Which value type can serve a blocked client (Redis's BLOCKED_LIST and BLOCKED_ZSET).</summary>
internal enum BlockedOn
{
    List,
    SortedSet,
    /// <summary>XREAD / XREADGROUP with BLOCK (Redis's BLOCKED_STREAM): re-run on every ready signal of the key.</summary>
    Stream,
    /// <summary>BGSAVE until its snapshot has begun (no keys; nothing but the save's thread answers it, not CLIENT UNBLOCK).</summary>
    SnapshotStart,
}
