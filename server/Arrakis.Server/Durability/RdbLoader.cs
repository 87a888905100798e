using Arrakis.Persistence.Rdb;
using Arrakis.Server.Runtime;

namespace Arrakis.Server.Durability;

/// <summary>
/// Loads an RDB file (ours or one redis-server wrote, any version up to 10) into the keyspace at
/// startup, before clients connect. Keys already expired are skipped and counted, as a Redis master
/// does. Function libraries are loaded after the keys. Anything the file holds that we cannot keep (modules, 7.2 streams), a database index
/// beyond <c>databases</c>, or a damaged file stops the load with a message naming the offset.
/// </summary>
internal static class RdbLoader
{
    public sealed record Result(long Keys, long Expired, string? Error);

    /// <param name="skipExpired">True for dump.rdb (a master drops expired keys); false for the log's base, whose
    /// later records may still touch a key that had not expired when they ran (Redis keeps them for an AOF base too).</param>
    public static Result Load(ServerState server, string path, ThreadStats stats, bool skipExpired = true)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var reader = new RdbReader(file);
        var status = reader.ReadHeader();
        if (status != RdbReadStatus.Ok) return new(0, 0, $"{status} at offset {reader.ErrorOffset}: {reader.Error}");
        long keys = 0, expired = 0, now = ServerClock.UnixMs;
        var keyspace = server.Keyspace;
        while (true)
        {
            status = reader.ReadNext(out var entry);
            if (status == RdbReadStatus.End) return new(keys, expired, LoadFunctions(server, reader.Functions));
            if (status != RdbReadStatus.Ok) return new(keys, expired, $"{status} at offset {reader.ErrorOffset}: {reader.Error}");
            var e = entry!;
            if (e.Db >= keyspace.Databases)
                return new(keys, expired, $"the file has keys in database {e.Db}, but this server has {keyspace.Databases} databases (--databases)");
            if (skipExpired && e.ExpireAtMs != 0 && e.ExpireAtMs < now)
            {
                expired++;
                continue;
            }
            var value = RdbValues.FromRdb(e.Value, out byte flags);
            if (value is null && e.Value.Kind == RdbValueKind.Stream)
                return new(keys, expired, $"Corrupt stream at key '{System.Text.Encoding.Latin1.GetString(e.Key)}': its nodes are not a stream's layout");
            if (value is null) continue; // an empty collection: Redis skips those too
            var stripe = keyspace.StripeFor(e.Key);
            lock (stripe.Gate)
            {
                var db = new Keyspace.Db(keyspace, e.Db, now, stats);
                db.Set(e.Key, value, e.ExpireAtMs, flags: flags);
            }
            keys++;
        }
    }

    private static string? LoadFunctions(ServerState server, IReadOnlyList<byte[]> codes)
    {
        foreach (var code in codes)
        {
            if (server.Functions.Load(code, replace: true, out string? error) is null) return "a function library does not load: " + error;
        }
        return null;
    }
}
