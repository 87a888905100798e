using System.Security.Cryptography;
using System.Text;
using Arrakis.Integration.Tests.Infrastructure;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// A canonical text dump of databases 0 and 1 of one server, read over a RESP2 control connection that
/// is left on db 0: every key (sorted) with its type, encoding, whether it has a TTL, and its contents
/// (sets and hashes sorted, lists and sorted sets in order). Two servers in the same state dump the
/// same text. Blocks; throws IOException if the server is gone.
/// </summary>
internal static class KeyspaceDump
{
    /// <summary>The dbs the fuzzer can reach (MOVE, COPY DB, SWAPDB use 0 and 1).</summary>
    public static readonly int[] Databases = [0, 1];

    public static string Dump(RespConnection c)
    {
        var sb = new StringBuilder();
        foreach (int db in Databases)
        {
            c.Call("SELECT", db.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var keys = c.Call("KEYS", "*").Items!.Select(k => k.Bytes!).OrderBy(k => Convert.ToHexString(k), StringComparer.Ordinal);
            foreach (var key in keys) sb.Append("db").Append(db).Append(' ').AppendLine(Key(c, key));
        }
        c.Call("SELECT", "0");
        return sb.ToString();
    }

    /// <summary>One line for one key of the selected db.</summary>
    private static string Key(RespConnection c, byte[] key)
    {
        string type = Call(c, "TYPE", key).Text;
        string encoding = Call(c, "OBJECT", "ENCODING", key).Text;
        long pttl = Call(c, "PTTL", key).Integer;
        var contents = type switch
        {
            "string" => ReplyComparer.Canonical(Call(c, "GET", key), sort: false),
            "list" => ReplyComparer.Canonical(Call(c, "LRANGE", key, "0", "-1"), sort: false),
            "set" => ReplyComparer.Canonical(Call(c, "SMEMBERS", key), sort: true),
            "zset" => ReplyComparer.Canonical(Call(c, "ZRANGE", key, "0", "-1", "WITHSCORES"), sort: false),
            "hash" => ReplyComparer.Canonical(Call(c, "HGETALL", key), sort: true, pairs: true),
            _ => "?",
        };
        string ttl = pttl switch { -1 => "no-ttl", -2 => "gone", _ => "ttl" };
        string body = contents.Length <= 1000 ? contents : $"{contents[..200]}... sha256 {Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(contents)))} length {contents.Length}";
        return $"{Escape.Quote(key)} {type} {encoding} {ttl} {body}";
    }

    private static RespValue Call(RespConnection c, string command, byte[] key, params string[] rest) =>
        c.CallRaw([Encoding.ASCII.GetBytes(command), key, .. rest.Select(Encoding.ASCII.GetBytes)]).Value;

    private static RespValue Call(RespConnection c, string command, string sub, byte[] key) =>
        c.CallRaw([Encoding.ASCII.GetBytes(command), Encoding.ASCII.GetBytes(sub), key]).Value;
}
