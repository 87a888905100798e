namespace Arrakis.Server.Commands.Transactions;

/// <summary>Which value type can serve a blocked client (Redis's BLOCKED_LIST and BLOCKED_ZSET).</summary>
internal enum BlockedOn
{
    List,
    SortedSet,
    /// <summary>XREAD / XREADGROUP with BLOCK (Redis's BLOCKED_STREAM): re-run on every ready signal of the key.</summary>
    Stream,
}
