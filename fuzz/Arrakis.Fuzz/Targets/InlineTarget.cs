using Arrakis.Protocol;

namespace Arrakis.Fuzz.Targets;

/// <summary>
/// Inline command splitting (sdssplitargs): input = one line. Checks that the request reader's
/// inline path agrees with <see cref="InlineSplitter.Split"/>, and that quoting the arguments back
/// (every byte as \xHH inside double quotes) splits into the same arguments.
/// </summary>
internal static class InlineTarget
{
    public static void Run(ReadOnlySpan<byte> data)
    {
        int newline = data.IndexOf((byte)'\n');
        var line = newline >= 0 ? data[..newline] : data;
        var split = InlineSplitter.Split(line);
        if (line.IsEmpty || line[0] != (byte)'*') CompareWithReader(line, split);
        if (split is null) return;
        var quoted = new List<byte>();
        foreach (var arg in split)
        {
            quoted.AddRange("\""u8);
            foreach (byte b in arg) quoted.AddRange(System.Text.Encoding.ASCII.GetBytes($"\\x{b:x2}"));
            quoted.AddRange("\" "u8);
        }
        var again = InlineSplitter.Split(quoted.ToArray());
        if (again is null || !Same(split, again)) throw new FuzzFailure("re-quoted arguments split differently");
    }

    private static void CompareWithReader(ReadOnlySpan<byte> line, List<byte[]>? split)
    {
        var request = new byte[line.Length + 2];
        line.CopyTo(request);
        request[^2] = (byte)'\r';
        request[^1] = (byte)'\n';
        var reader = new RequestReader();
        var args = new RequestArguments();
        var status = reader.TryRead(request, args, out int consumed);
        if (line.Contains((byte)0))
        {
            // Redis's strchr stops at the NUL: the line never ends (InlineSplitter.Split cuts it there
            // instead), and a buffer past the inline limit is an error.
            var expected = request.Length > new RequestLimits().MaxInlineLength ? RespParseStatus.InvalidData : RespParseStatus.NeedMoreData;
            if (status != expected) throw new FuzzFailure($"a NUL before the newline but reader said {status}");
            return;
        }
        if (split is null)
        {
            if (status != RespParseStatus.InvalidData) throw new FuzzFailure($"unbalanced quotes but reader said {status}");
            return;
        }
        if (status != RespParseStatus.Done || consumed != request.Length) throw new FuzzFailure($"reader said {status} after {consumed}");
        var fromReader = new List<byte[]>();
        for (int i = 0; i < args.Count; i++) fromReader.Add(args.Get(request, i).ToArray());
        if (!Same(split, fromReader)) throw new FuzzFailure("reader and splitter disagree");
    }

    private static bool Same(List<byte[]> a, List<byte[]> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.AsSpan().SequenceEqual(p.Second));
}
