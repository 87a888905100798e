namespace Arrakis.Integration.Tests.Infrastructure;

/// <summary>A key's type and value as commands read them, in a form two servers can be compared by (set members and hash pairs sorted: their order is undefined in Redis).</summary>
public static class KeyContent
{
    public static string Read(RespConnection c, string key)
    {
        string type = c.Call("TYPE", key).Text;
        var v = type switch
        {
            "string" => c.Call("GET", key),
            "list" => c.Call("LRANGE", key, "0", "-1"),
            "set" => c.Call("SMEMBERS", key),
            "hash" => c.Call("HGETALL", key),
            "zset" => c.Call("ZRANGE", key, "0", "-1", "WITHSCORES"),
            "stream" => c.Call("XINFO", "STREAM", key, "FULL", "COUNT", "0"),
            _ => c.Call("TYPE", key),
        };
        if (type is "stream") return type + ":" + v; // entries, groups, PELs and consumers, times included
        var items = v.Items?.Select(i => i.Text).ToList() ?? [v.Text];
        if (type is "set") items.Sort(StringComparer.Ordinal);
        if (type is "hash") items = items.Chunk(2).Select(p => p[0] + "=" + p[1]).Order(StringComparer.Ordinal).ToList();
        return type + ":" + string.Join(",", items);
    }
}
