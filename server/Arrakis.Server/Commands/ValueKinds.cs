
namespace Arrakis.Server.Commands;

/// <summary>Operations every value type answers: deep copy (COPY) and OBJECT ENCODING.</summary>
internal static class ValueKinds
{
    public static object Clone(object value) => value switch
    {
        byte[] s => s.Clone(),
        GrowableString g => g.ToExact(),
        ListValue l => l.Clone(),
        HashValue h => h.Clone(),
        SetValue s => s.Clone(),
        SortedSetValue z => z.Clone(),
        StreamValue x => x.Clone(),
        _ => throw new InvalidOperationException("unknown value type " + value.GetType()),
    };

    public static string Encoding(object value, byte flags) => value switch
    {
        byte[] s => StringValues.Encoding(s, flags),
        GrowableString => "raw",
        ListValue => "quicklist",
        HashValue h => h.IsListpack ? "listpack" : "hashtable",
        SetValue s => s.IsIntset ? "intset" : "hashtable",
        SortedSetValue z => z.IsListpack ? "listpack" : "skiplist",
        StreamValue => "stream",
        _ => throw new InvalidOperationException("unknown value type " + value.GetType()),
    };
}
