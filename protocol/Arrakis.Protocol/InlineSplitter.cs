namespace Arrakis.Protocol;

/// <summary>
/// Splits an inline request line into arguments the way Redis's sdssplitargs does: blanks separate,
/// "double quotes" take \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes' take \', and a closing
/// quote must be followed by a blank or the end of the line.
/// </summary>
public static class InlineSplitter
{
    /// <summary>Adds the arguments of <paramref name="line"/> to <paramref name="args"/>; false on unbalanced quotes.</summary>
    internal static bool TrySplit(ReadOnlySpan<byte> line, RequestArguments args)
    {
        int nul = line.IndexOf((byte)0);
        if (nul >= 0) line = line[..nul]; // C strings end at NUL, and so did Redis's parser.
        Span<byte> current = line.Length <= 256 ? stackalloc byte[256] : new byte[line.Length];
        int p = 0;
        while (true)
        {
            while (p < line.Length && IsSpace(line[p])) p++;
            if (p >= line.Length) return true;
            int len = 0;
            bool inDouble = false, inSingle = false, done = false;
            while (!done)
            {
                byte c = p < line.Length ? line[p] : (byte)0;
                bool atEnd = p >= line.Length;
                if (inDouble)
                {
                    if (c == '\\' && At(line, p + 1) == 'x' && IsHex(At(line, p + 2)) && IsHex(At(line, p + 3)))
                    {
                        current[len++] = (byte)(HexValue(At(line, p + 2)) * 16 + HexValue(At(line, p + 3)));
                        p += 3;
                    }
                    else if (c == '\\' && p + 1 < line.Length)
                    {
                        p++;
                        current[len++] = line[p] switch
                        {
                            (byte)'n' => (byte)'\n',
                            (byte)'r' => (byte)'\r',
                            (byte)'t' => (byte)'\t',
                            (byte)'b' => (byte)'\b',
                            (byte)'a' => (byte)'\a',
                            var other => other,
                        };
                    }
                    else if (c == '"')
                    {
                        if (p + 1 < line.Length && !IsSpace(line[p + 1])) return false;
                        done = true;
                    }
                    else if (atEnd)
                    {
                        return false;
                    }
                    else
                    {
                        current[len++] = c;
                    }
                }
                else if (inSingle)
                {
                    if (c == '\\' && At(line, p + 1) == '\'')
                    {
                        p++;
                        current[len++] = (byte)'\'';
                    }
                    else if (c == '\'')
                    {
                        if (p + 1 < line.Length && !IsSpace(line[p + 1])) return false;
                        done = true;
                    }
                    else if (atEnd)
                    {
                        return false;
                    }
                    else
                    {
                        current[len++] = c;
                    }
                }
                else
                {
                    switch (c)
                    {
                        case (byte)' ': case (byte)'\n': case (byte)'\r': case (byte)'\t': case 0:
                            done = true;
                            break;
                        case (byte)'"':
                            inDouble = true;
                            break;
                        case (byte)'\'':
                            inSingle = true;
                            break;
                        default:
                            current[len++] = c;
                            break;
                    }
                }
                if (!atEnd) p++;
            }
            current[..len].CopyTo(args.AddInline(len));
        }
    }

    /// <summary>Splits one line (config files, tools); null on unbalanced quotes.</summary>
    public static List<byte[]>? Split(ReadOnlySpan<byte> line)
    {
        var args = new RequestArguments();
        args.Reset(inline: true);
        if (!TrySplit(line, args)) return null;
        var result = new List<byte[]>(args.Count);
        for (int i = 0; i < args.Count; i++) result.Add(args.Get(default, i).ToArray());
        return result;
    }

    private static byte At(ReadOnlySpan<byte> line, int i) => i < line.Length ? line[i] : (byte)0;

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    private static bool IsHex(byte c) => c is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
