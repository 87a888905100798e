namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>How the replies to one command are compared (see <see cref="ReplyComparer"/> for which command gets which).</summary>
internal enum CompareRule
{
    /// <summary>Byte for byte.</summary>
    Exact,
    /// <summary>Elements as a sorted multiset: the order is undefined in Redis itself.</summary>
    Unordered,
    /// <summary>Exact unless one of the command's keys is hashtable/skiplist-encoded in Redis (then as a multiset of elements or pairs).</summary>
    UnorderedIfHashtable,
    /// <summary>Same reply types and element counts, recursively; the values are random.</summary>
    Shape,
    /// <summary>Only the top-level reply type: the content is specific to the instance.</summary>
    TypeOnly,
    /// <summary>Byte for byte unless one of the command's keys is hashtable-encoded in Redis (then only the reply type: the bytes follow the table's order).</summary>
    ExactUnlessHashtable,
    /// <summary>Exact unless the answer shows Redis's hash-table order (<see cref="ReplyComparer.ShowsHashOrder"/>); then same shape.</summary>
    ShapeIfHashOrder,
    /// <summary>Integers within a tolerance (TTLs read a moment apart).</summary>
    NearInteger,
    /// <summary>SCAN family: cursors are implementation-specific; a finished Redis scan must be finished on ours with the same elements.</summary>
    Scan,
}
