namespace Arrakis.Protocol;

/// <summary>
/// Finds where one complete RESP2/RESP3 reply ends without building anything: for clients on a hot
/// path (the load generator). Reports the top-level type and, for strings, where the payload is.
/// Allocates nothing; nesting is tracked with a counter of elements still to come.
/// </summary>
public static class ReplyScanner
{
    /// <summary>
    /// Scans one reply at the start of <paramref name="buffer"/>. On <see cref="RespParseStatus.Done"/>:
    /// <paramref name="consumed"/> bytes, its <paramref name="type"/> (<see cref="RespType.Null"/> for
    /// RESP2 nulls too), and for bulk/simple/error/verbatim replies the payload's offset and length.
    /// </summary>
    public static RespParseStatus TryScan(ReadOnlySpan<byte> buffer, out int consumed, out RespType type, out int payloadOffset, out int payloadLength)
    {
        consumed = 0;
        type = RespType.Null;
        payloadOffset = payloadLength = 0;
        long pending = 1; // elements still to read, the top-level reply included
        int pos = 0;
        bool top = true;
        while (pending > 0)
        {
            if (pos >= buffer.Length) return RespParseStatus.NeedMoreData;
            int lf = buffer[pos..].IndexOf((byte)'\n');
            if (lf < 1) return lf < 0 ? RespParseStatus.NeedMoreData : RespParseStatus.InvalidData;
            var kind = (RespType)buffer[pos];
            var line = buffer.Slice(pos + 1, lf - 2);
            int next = pos + lf + 1;
            pending--;
            RespType topType = kind;
            int off = pos + 1, len = line.Length;
            switch (kind)
            {
                case RespType.SimpleString or RespType.Error or RespType.Integer or RespType.Double or RespType.Boolean or RespType.BigNumber or RespType.Null:
                    break;
                case RespType.BulkString or RespType.BulkError or RespType.VerbatimString:
                    if (!TryParseLength(line, out long n)) return RespParseStatus.InvalidData;
                    if (n < 0)
                    {
                        topType = RespType.Null;
                        len = 0;
                        break;
                    }
                    if (next + n + 2 > buffer.Length) return RespParseStatus.NeedMoreData;
                    off = next;
                    len = (int)n;
                    next += (int)n + 2;
                    break;
                case RespType.Array or RespType.Set or RespType.Push or RespType.Map or RespType.Attribute:
                    if (!TryParseLength(line, out long count)) return RespParseStatus.InvalidData;
                    if (count < 0)
                    {
                        topType = RespType.Null;
                        break;
                    }
                    long items = kind is RespType.Map or RespType.Attribute ? count * 2 : count;
                    pending += items;
                    if (kind == RespType.Attribute)
                    {
                        pending++; // the reply the attribute decorates follows it
                        pos = next;
                        continue;
                    }
                    len = 0;
                    break;
                default:
                    return RespParseStatus.InvalidData;
            }
            if (top)
            {
                type = topType;
                payloadOffset = off;
                payloadLength = len;
                top = false;
            }
            pos = next;
        }
        consumed = pos;
        return RespParseStatus.Done;
    }

    private static bool TryParseLength(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.Length == 2 && s[0] == '-' && s[1] == '1')
        {
            value = -1;
            return true;
        }
        return RespNumber.TryParseInt64(s, out value);
    }
}
