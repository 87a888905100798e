namespace Arrakis.Persistence.Rdb;

/// <summary>One key read from an RDB file.</summary>
/// <param name="Db">The database selected by the last SELECTDB (0 before any).</param>
/// <param name="Key">The key bytes.</param>
/// <param name="ExpireAtMs">
/// Absolute expiry in Unix milliseconds, 0 for none (second-precision expiries are converted; a
/// stored expiry of exactly 0 reads as 1). Keys already expired are returned: Redis skips them when
/// it loads as a master and keeps them as a replica, so the caller decides.
/// </param>
/// <param name="Value">The value.</param>
/// <param name="IdleSeconds">LRU idle time when the file carried an IDLE opcode, else -1.</param>
/// <param name="Frequency">LFU counter when the file carried a FREQ opcode, else -1.</param>
public sealed record RdbEntry(int Db, byte[] Key, long ExpireAtMs, RdbValue Value, long IdleSeconds, int Frequency);
