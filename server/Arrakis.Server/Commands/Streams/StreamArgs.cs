using Arrakis.Protocol;

namespace Arrakis.Server.Commands.Streams;

/// <summary>Argument readers shared by the stream commands, replying Redis 7.0's errors.</summary>
internal static class StreamArgs
{
    public const string InvalidId = "ERR Invalid stream ID specified as stream command argument";

    /// <summary>streamParseIDOrReply: "-", "+", "ms", "ms-seq".</summary>
    public static bool TryId(CommandContext c, int i, ulong missingSeq, out StreamId id)
    {
        if (StreamId.TryParse(c.Arg(i), missingSeq, strict: false, allowAutoSeq: false, out id, out _)) return true;
        c.Error(InvalidId);
        return false;
    }

    /// <summary>streamParseStrictIDOrReply: no "-" or "+".</summary>
    public static bool TryStrictId(CommandContext c, ReadOnlySpan<byte> arg, ulong missingSeq, out StreamId id)
    {
        if (StreamId.TryParse(arg, missingSeq, strict: true, allowAutoSeq: false, out id, out _)) return true;
        c.Error(InvalidId);
        return false;
    }

    /// <summary>streamParseIntervalIDOrReply: an optional "(" makes the bound exclusive (then strict).</summary>
    public static bool TryIntervalId(CommandContext c, int i, ulong missingSeq, out StreamId id, out bool exclusive)
    {
        var a = c.Arg(i);
        exclusive = a.Length > 1 && a[0] == '(';
        if (exclusive) return TryStrictId(c, a[1..], missingSeq, out id);
        return TryId(c, i, missingSeq, out id);
    }

    /// <summary>getLongLongFromObjectOrReply.</summary>
    public static bool TryLong(CommandContext c, int i, out long value) => c.TryArgLong(i, out value);

    /// <summary>
    /// streamParseAddOrTrimArgsOrReply: MAXLEN/MINID [=|~] threshold, LIMIT, NOMKSTREAM (XADD), and for
    /// XADD the ID. Returns the index of the ID (XADD) or past the options, -1 after replying an error.
    /// </summary>
    public static int TryAddOrTrimArgs(CommandContext c, bool xadd, out StreamTrim trim, out bool noMkStream, out StreamId? id, out bool seqGiven)
    {
        trim = default;
        noMkStream = false;
        id = null;
        seqGiven = true;
        bool limitGiven = false;
        int i = 2;
        for (; i < c.ArgCount; i++)
        {
            int more = c.ArgCount - 1 - i;
            var opt = c.Arg(i);
            if (xadd && opt.Length >= 1 && opt[0] == '*' && (opt.Length == 1 || opt[1] == 0)) break;
            bool maxlen = c.ArgIs(i, "MAXLEN");
            if ((maxlen || c.ArgIs(i, "MINID")) && more > 0)
            {
                if (trim.Strategy != StreamTrimStrategy.None)
                {
                    c.Error("ERR syntax error, MAXLEN and MINID options at the same time are not compatible");
                    return -1;
                }
                trim.Approx = false;
                var next = c.Arg(i + 1);
                if (more >= 2 && next.Length == 1 && next[0] == '~')
                {
                    trim.Approx = true;
                    i++;
                }
                else if (more >= 2 && next.Length == 1 && next[0] == '=') i++;
                if (maxlen)
                {
                    if (!c.TryArgLong(i + 1, out trim.MaxLen)) return -1;
                    if (trim.MaxLen < 0)
                    {
                        c.Error("ERR The MAXLEN argument must be >= 0.");
                        return -1;
                    }
                    trim.Strategy = StreamTrimStrategy.MaxLen;
                }
                else
                {
                    if (!TryStrictId(c, c.Arg(i + 1), 0, out trim.MinId)) return -1;
                    trim.Strategy = StreamTrimStrategy.MinId;
                }
                i++;
                trim.ThresholdIndex = i;
            }
            else if (c.ArgIs(i, "LIMIT") && more > 0)
            {
                if (!c.TryArgLong(i + 1, out trim.Limit)) return -1;
                if (trim.Limit < 0)
                {
                    c.Error("ERR The LIMIT argument must be >= 0.");
                    return -1;
                }
                limitGiven = true;
                i++;
            }
            else if (xadd && c.ArgIs(i, "NOMKSTREAM")) noMkStream = true;
            else if (xadd)
            {
                if (!StreamId.TryParse(opt, 0, strict: true, allowAutoSeq: true, out var parsed, out seqGiven))
                {
                    c.Error(InvalidId);
                    return -1;
                }
                id = parsed;
                break;
            }
            else
            {
                c.SyntaxError();
                return -1;
            }
        }
        if (trim.Limit != 0 && trim.Strategy == StreamTrimStrategy.None)
        {
            c.Error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
            return -1;
        }
        if (!xadd && trim.Strategy == StreamTrimStrategy.None)
        {
            c.Error("ERR syntax error, XTRIM must be called with a trimming strategy");
            return -1;
        }
        if (c.Server.Keyspace.Loading) trim.Limit = 0; // replay: the effect was written exact
        else if (limitGiven)
        {
            if (!trim.Approx)
            {
                c.Error("ERR syntax error, LIMIT cannot be used without the special ~ option");
                return -1;
            }
        }
        else trim.Limit = trim.Approx ? 100L * StreamValue.NodeMaxEntries : 0;
        return i;
    }

    /// <summary>An ID as bytes for an effect's arguments.</summary>
    public static byte[] Bytes(StreamId id) => id.ToBytes();

    public static byte[] Bytes(long v) => System.Text.Encoding.ASCII.GetBytes(v.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Writes a reply's count-or-null rules shared by several commands (RESP2 null array, RESP3 null).</summary>
    public static void WriteNullArray(RespWriter w) => w.WriteNullArray();
}
