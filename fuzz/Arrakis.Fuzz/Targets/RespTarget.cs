using System.Text;
using Arrakis.Protocol;

namespace Arrakis.Fuzz.Targets;

/// <summary>
/// RESP request reader: input = one seed byte (bit 0: authentication required; the rest picks the
/// chunk sizes) + the bytes a client sent. Parses them whole and again fed in chunks, as a socket
/// would deliver them, and requires the same requests, errors and leftover. Then parses them once
/// more under tight limits (invariants only: limits make the outcome depend on chunking, as in Redis).
/// </summary>
internal static class RespTarget
{
    public static void Run(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        byte seed = data[0];
        var input = data[1..];
        bool auth = (seed & 1) != 0;
        var defaults = new RequestLimits();
        string whole = Parse(input, defaults, auth, chunkSeed: 0);
        string split = Parse(input, defaults, auth, chunkSeed: seed | 0x100);
        // Under the limits no buffer can pass MaxInlineLength, so chunking must not change anything.
        if (input.Length <= defaults.MaxInlineLength && whole != split)
            throw new FuzzFailure($"whole and chunked parses differ:\n{whole}\n---\n{split}");
        var tight = new RequestLimits
        {
            MaxBulkLength = 40, MaxMultibulkLength = 12, MaxInlineLength = 24,
            UnauthenticatedBulkLength = 8, UnauthenticatedMultibulkLength = 3,
        };
        Parse(input, tight, auth, chunkSeed: 0);
        Parse(input, tight, auth, chunkSeed: seed | 0x100);
    }

    /// <summary>Reads requests until the input ends or is invalid; chunkSeed 0 = everything at once.</summary>
    private static string Parse(ReadOnlySpan<byte> input, RequestLimits limits, bool auth, int chunkSeed)
    {
        var reader = new RequestReader(limits) { AuthenticationRequired = auth };
        var args = new RequestArguments();
        var log = new StringBuilder();
        var chunks = new ChunkSizes(chunkSeed);
        int start = 0, available = chunkSeed == 0 ? input.Length : Math.Min(input.Length, chunks.Next());
        while (start < input.Length)
        {
            var buffer = input[start..available];
            var status = reader.TryRead(buffer, args, out int consumed);
            if (status == RespParseStatus.InvalidData)
            {
                if (string.IsNullOrEmpty(reader.Error)) throw new FuzzFailure("InvalidData without an error text");
                return log.Append("error ").Append(reader.Error).ToString();
            }
            if (status == RespParseStatus.NeedMoreData)
            {
                if (available == input.Length) break;
                available = Math.Min(input.Length, available + chunks.Next());
                continue;
            }
            if (consumed <= 0 || consumed > buffer.Length)
                throw new FuzzFailure($"Done with consumed {consumed} of {buffer.Length}");
            if (reader.InProgress) throw new FuzzFailure("Done but still in progress");
            Describe(buffer[..consumed], args, log);
            start += consumed;
            if (available < start) available = start;
        }
        return log.Append("left ").Append(input.Length - start).ToString();
    }

    private static void Describe(ReadOnlySpan<byte> request, RequestArguments args, StringBuilder log)
    {
        log.Append("request");
        for (int i = 0; i < args.Count; i++)
        {
            if (!args.IsInline && args.OffsetOf(i) + args.LengthOf(i) > request.Length)
                throw new FuzzFailure($"argument {i} lies outside the request");
            log.Append(' ').Append(Convert.ToHexString(args.Get(request, i)));
        }
        log.Append('\n');
    }
}
