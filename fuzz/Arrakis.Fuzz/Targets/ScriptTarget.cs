using Arrakis.Protocol;

namespace Arrakis.Fuzz.Targets;

/// <summary>
/// Lua scripts: input = a script's text. Runs it with EVAL (two keys, two arguments), again after
/// redis.setresp(3), and as the body of a function loaded with FUNCTION LOAD and called with FCALL,
/// through the real command path. A script still running after 300 ms is killed (as SCRIPT KILL
/// would; loops are legal Lua). Oracle: every reply is exactly one well-formed RESP value, no script
/// is left running, and the server answers PING after each.
/// </summary>
internal static class ScriptTarget
{
    private const int MaxLength = 12 * 1024;

    public static void Run(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxLength) data = data[..MaxLength];
        var script = data.ToArray();
        Commands.Reset();
        Commands.Run(Commands.Bytes("SET"), Commands.Bytes("k1"), Commands.Bytes("v"));
        Commands.Run(Commands.Bytes("HSET"), Commands.Bytes("k2"), Commands.Bytes("f"), Commands.Bytes("1"));
        Check(Commands.Bytes("EVAL"), script, Commands.Bytes("2"), Commands.Bytes("k1"), Commands.Bytes("k2"), Commands.Bytes("a1"), Commands.Bytes("2.5"));
        Check(Commands.Bytes("EVAL"), [.. "redis.setresp(3) "u8, .. script], Commands.Bytes("1"), Commands.Bytes("k2"), Commands.Bytes("a1"));
        byte[] library = [.. "#!lua name=fz\nredis.register_function('fz', function(KEYS, ARGV) "u8, .. script, .. "\nend)"u8];
        string loaded = Check(Commands.Bytes("FUNCTION"), Commands.Bytes("LOAD"), Commands.Bytes("REPLACE"), library);
        if (loaded.StartsWith('$')) Check(Commands.Bytes("FCALL"), Commands.Bytes("fz"), Commands.Bytes("1"), Commands.Bytes("k1"), Commands.Bytes("x"));
        if (Commands.Run(Commands.Bytes("PING")) != "+PONG\r\n") throw new FuzzFailure("no PONG after the script");
    }

    private static string Check(params byte[][] argv)
    {
        var state = Commands.State;
        using var killer = new Timer(_ =>
        {
            if (state.Scripts.Running is { } eval) eval.KillRequested = true;
            if (state.Functions.Running is { } function) function.KillRequested = true;
        }, null, 300, 100);
        string reply = Commands.Run(argv);
        var bytes = System.Text.Encoding.Latin1.GetBytes(reply);
        if (!IsOneReply(bytes)) throw new FuzzFailure("not one well-formed reply: " + (reply.Length > 200 ? reply[..200] : reply));
        if (state.Scripts.Running is not null || state.Functions.Running is not null) throw new FuzzFailure("a script is still running");
        return reply;
    }

    /// <summary>Exactly one RESP2/RESP3 value, walked iteratively (a script may nest replies thousands deep).</summary>
    private static bool IsOneReply(ReadOnlySpan<byte> bytes)
    {
        long pending = 1;
        int pos = 0;
        while (pending > 0)
        {
            if (pos >= bytes.Length) return false;
            int lf = bytes[pos..].IndexOf((byte)'\n');
            if (lf < 2 || bytes[pos + lf - 1] != '\r') return false;
            byte type = bytes[pos];
            var line = bytes.Slice(pos + 1, lf - 2);
            pos += lf + 1;
            pending--;
            switch (type)
            {
                case (byte)'+' or (byte)'-' or (byte)':' or (byte)',' or (byte)'#' or (byte)'(' or (byte)'_':
                    break;
                case (byte)'$' or (byte)'=' or (byte)'!':
                    if (!RespNumber.TryParseInt64(line, out long length) || length < -1) return false;
                    if (length >= 0)
                    {
                        if (pos + length + 2 > bytes.Length || bytes[pos + (int)length] != '\r') return false;
                        pos += (int)length + 2;
                    }
                    break;
                case (byte)'*' or (byte)'~' or (byte)'>':
                    if (!RespNumber.TryParseInt64(line, out long count) || count < -1) return false;
                    pending += Math.Max(0, count);
                    break;
                case (byte)'%':
                    if (!RespNumber.TryParseInt64(line, out long pairs) || pairs < 0) return false;
                    pending += 2 * pairs;
                    break;
                default:
                    return false;
            }
        }
        return pos == bytes.Length;
    }
}
