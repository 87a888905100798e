using System.Buffers;
using System.Text;
using Arrakis.Protocol;
using Arrakis.Server.Configuration;
using Arrakis.Server.Testing;

namespace Arrakis.Fuzz;

/// <summary>
/// Runs commands through the real command path (<see cref="CommandHarness"/>: parse, dispatch,
/// execute, encode) on the calling thread. One server per process; <see cref="Reset"/> empties it
/// between inputs so that every input starts from the same state.
/// </summary>
internal static class Commands
{
    // proto-max-bulk-len at Redis's minimum (1 MB): keeps bit offsets and LCS tables small enough
    // that an input cannot make one execution allocate hundreds of megabytes.
    // Lua capped at 64 MB per interpreter for the same reason.
    private static readonly CommandHarness Harness = new(new ServerOptions { Threads = 1, ProtoMaxBulkLen = 1024 * 1024, LuaMaxMemory = 64L << 20 });

    /// <summary>The server state behind the harness.</summary>
    public static Arrakis.Server.Runtime.ServerState State => Harness.State;

    /// <summary>CommandHarness copies a request into the session's first input buffer (16 KB) and does
    /// not grow it: targets cut their inputs so that every request fits.</summary>
    public const int MaxRequestBytes = 16 * 1024;

    public static void Reset() => Run("FLUSHALL"u8.ToArray());

    /// <summary>Runs one command; returns its reply as Latin-1 text.</summary>
    public static string Run(params byte[][] argv)
    {
        var request = new ArrayBufferWriter<byte>();
        var writer = new RespWriter(request);
        writer.WriteArrayHeader(argv.Length);
        foreach (var arg in argv) writer.WriteBulk(arg);
        if (request.WrittenCount > MaxRequestBytes)
            throw new InvalidOperationException($"a {request.WrittenCount}-byte request: the target must cut its input");
        string reply = Harness.ExecuteToString(request.WrittenSpan);
        if (reply.Length == 0) throw new FuzzFailure($"no reply to {Encoding.Latin1.GetString(argv[0])}");
        return reply;
    }

    public static byte[] Bytes(string s) => Encoding.Latin1.GetBytes(s);

    /// <summary>The payload of a bulk-string reply ("$3\r\nabc\r\n"); null for an error or a nil.</summary>
    public static byte[]? Bulk(string reply)
    {
        if (!reply.StartsWith('$') || reply.StartsWith("$-1")) return null;
        int header = reply.IndexOf("\r\n", StringComparison.Ordinal);
        int length = int.Parse(reply.AsSpan(1, header - 1));
        return Bytes(reply.Substring(header + 2, length));
    }

    /// <summary>The value of an integer reply (":42\r\n"); null for anything else.</summary>
    public static long? Integer(string reply) =>
        reply.StartsWith(':') ? long.Parse(reply.AsSpan(1, reply.Length - 3)) : null;
}
