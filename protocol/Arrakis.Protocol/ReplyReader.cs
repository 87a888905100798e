using System.Buffers.Text;

namespace Arrakis.Protocol;

/// <summary>
/// Reads whole RESP2/RESP3 replies into <see cref="RespValue"/> trees. For clients and tools,
/// not for the server's hot path. Incremental: returns NeedMoreData until a reply is complete.
/// </summary>
public static class ReplyReader
{
    /// <summary>Parses one reply at the start of <paramref name="buffer"/>.</summary>
    public static RespParseStatus TryRead(ReadOnlySpan<byte> buffer, out RespValue? value, out int consumed)
    {
        int pos = 0;
        var status = Read(buffer, ref pos, out value, depth: 0);
        consumed = status == RespParseStatus.Done ? pos : 0;
        return status;
    }

    private static RespParseStatus Read(ReadOnlySpan<byte> buffer, ref int pos, out RespValue? value, int depth)
    {
        value = null;
        if (depth > 64) return RespParseStatus.InvalidData;
        if (pos >= buffer.Length) return RespParseStatus.NeedMoreData;
        int lf = buffer[pos..].IndexOf((byte)'\n');
        if (lf < 0) return RespParseStatus.NeedMoreData;
        if (lf < 1 || buffer[pos + lf - 1] != '\r') return RespParseStatus.InvalidData;
        var type = (RespType)buffer[pos];
        var line = buffer.Slice(pos + 1, lf - 2);
        int next = pos + lf + 1;
        switch (type)
        {
            case RespType.SimpleString or RespType.Error or RespType.Integer or RespType.Double or RespType.Boolean or RespType.BigNumber:
                value = new RespValue(type, line.ToArray());
                pos = next;
                return RespParseStatus.Done;
            case RespType.Null:
                value = new RespValue(RespType.Null);
                pos = next;
                return RespParseStatus.Done;
            case RespType.BulkString or RespType.BulkError or RespType.VerbatimString:
            {
                if (!Utf8Parser.TryParse(line, out long length, out int used) || used != line.Length) return RespParseStatus.InvalidData;
                if (length < 0)
                {
                    value = new RespValue(RespType.Null);
                    pos = next;
                    return RespParseStatus.Done;
                }
                if (next + length + 2 > buffer.Length) return RespParseStatus.NeedMoreData;
                value = new RespValue(type, buffer.Slice(next, (int)length).ToArray());
                pos = next + (int)length + 2;
                return RespParseStatus.Done;
            }
            case RespType.Array or RespType.Set or RespType.Push or RespType.Map or RespType.Attribute:
            {
                if (!Utf8Parser.TryParse(line, out long count, out int used) || used != line.Length) return RespParseStatus.InvalidData;
                if (count < 0)
                {
                    value = new RespValue(RespType.Null, isNullAggregate: true);
                    pos = next;
                    return RespParseStatus.Done;
                }
                long n = type is RespType.Map or RespType.Attribute ? count * 2 : count;
                if (n > buffer.Length) return RespParseStatus.NeedMoreData;
                var items = new RespValue[n];
                int p = next;
                for (int i = 0; i < n; i++)
                {
                    var s = Read(buffer, ref p, out var item, depth + 1);
                    if (s != RespParseStatus.Done) return s;
                    items[i] = item!;
                }
                pos = p;
                if (type == RespType.Attribute)
                {
                    // Attributes precede the real reply; keep the reply, drop the attribute.
                    return Read(buffer, ref pos, out value, depth + 1);
                }
                value = new RespValue(type, items: items);
                return RespParseStatus.Done;
            }
            default:
                return RespParseStatus.InvalidData;
        }
    }
}
