namespace Arrakis.Server.Commands.Transactions;

/// <summary>Which value type can serve a blocked client (Redis's BLOCKED_LIST and BLOCKED_ZSET).</summary>
internal enum BlockedOn
{
    List,
    SortedSet,
}
