namespace Arrakis.Server.Runtime;

/// <summary>One SLOWLOG GET entry.</summary>
internal sealed record SlowLogEntry(long Id, long UnixSeconds, long DurationUs, byte[][] Args, string Client, string ClientName);
