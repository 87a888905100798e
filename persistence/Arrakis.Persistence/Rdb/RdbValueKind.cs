namespace Arrakis.Persistence.Rdb;

/// <summary>The data types an RDB entry can hold here (streams and modules are reported unsupported).</summary>
public enum RdbValueKind
{
    String,
    List,
    Set,
    Hash,
    SortedSet,
}
