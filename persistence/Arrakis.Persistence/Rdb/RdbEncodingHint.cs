namespace Arrakis.Persistence.Rdb;

/// <summary>
/// Which of Redis's two encodings the writer uses for a set, hash or sorted set; the server knows
/// which one Redis would have chosen. Strings and lists ignore it (lists are always quicklists).
/// </summary>
public enum RdbEncodingHint
{
    /// <summary>intset (sets, when every member is a canonical integer; else falls back to a table) or listpack (hashes, sorted sets).</summary>
    Compact,

    /// <summary>hashtable (sets, hashes) or skiplist (sorted sets).</summary>
    Table,
}
