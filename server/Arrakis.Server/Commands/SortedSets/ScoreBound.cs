namespace Arrakis.Server.Commands.SortedSets;

/// <summary>A score bound of ZRANGEBYSCORE and friends: "(1.5" is exclusive, "-inf"/"+inf" open.</summary>
internal readonly record struct ScoreBound(double Value, bool Exclusive);
