namespace Arrakis.Persistence.Rdb;

/// <summary>The data types an RDB entry can hold here (modules are reported unsupported).</summary>
public enum RdbValueKind
{
    String,
    List,
    Set,
    Hash,
    SortedSet,
    /// <summary>A stream: Redis's listpack nodes as they are, plus metadata and consumer groups (<see cref="RdbStream"/>).</summary>
    Stream,
}
