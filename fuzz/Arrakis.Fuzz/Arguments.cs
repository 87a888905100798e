namespace Arrakis.Fuzz;

/// <summary>Turns fuzz input into command arguments: fields separated by a space, parts by a NUL.</summary>
internal static class Arguments
{
    /// <summary>Splits at <paramref name="separator"/> (empty fields kept: an empty argument is an input too).</summary>
    public static List<byte[]> Split(ReadOnlySpan<byte> data, byte separator, int max = int.MaxValue)
    {
        var parts = new List<byte[]>();
        while (parts.Count < max - 1)
        {
            int at = data.IndexOf(separator);
            if (at < 0) break;
            parts.Add(data[..at].ToArray());
            data = data[(at + 1)..];
        }
        parts.Add(data.ToArray());
        return parts;
    }
}
