namespace Arrakis.Server.Commands.SortedSets;

/// <summary>A lex bound of ZRANGEBYLEX: "[a" inclusive, "(a" exclusive, "-" and "+" the ends.</summary>
internal readonly record struct LexBound(byte[] Value, bool Exclusive, bool NegativeInfinity, bool PositiveInfinity);
