namespace Arrakis.Server.Commands;

/// <summary>Operations every value type answers: deep copy (COPY) and OBJECT ENCODING.</summary>
internal static class Values
{
    public static object Clone(object value) => value switch
    {
        byte[] s => s.Clone(),
        _ => throw new InvalidOperationException("unknown value type " + value.GetType()),
    };

    public static string Encoding(object value, byte flags) => value switch
    {
        byte[] s => StringValues.Encoding(s, flags),
        _ => throw new InvalidOperationException("unknown value type " + value.GetType()),
    };
}
