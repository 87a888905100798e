using System.Text;
using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Differential;

/// <summary>RESET clears everything a connection holds (db, name, protocol, MULTI, WATCH, subscriptions,
/// CLIENT REPLY, authentication) exactly as Redis 7.0 does; compared as transcripts on both servers.</summary>
[Collection("servers")]
public sealed class ResetDifferentialTests(ServerPairFixture servers)
{
    private static List<string> Transcript(ServerProcess server)
    {
        var log = new List<string>();
        using var c = new RespConnection(server.Port);
        using var other = new RespConnection(server.Port);
        void Do(params string[] args) => log.Add($"{string.Join(' ', args)} -> {c.Call(args)}");
        other.Call("SELECT", "12");
        other.Call("FLUSHDB");
        Do("SELECT", "12");
        Do("SET", "w", "1");
        Do("CLIENT", "SETNAME", "before-reset");
        Do("WATCH", "w");
        Do("MULTI");
        Do("SET", "w", "2");
        Do("RESET");
        Do("CLIENT", "GETNAME");
        Do("GET", "w"); // db 0 again: nil
        Do("EXEC"); // the transaction is gone
        // The WATCH is gone too: a change by another client does not abort the next transaction.
        Do("SELECT", "12");
        Do("WATCH", "w");
        Do("RESET");
        other.Call("SET", "w", "3");
        Do("SELECT", "12");
        Do("MULTI");
        Do("GET", "w");
        Do("EXEC");
        // Protocol and subscriptions.
        log.Add("HELLO 3 -> proto " + c.Call("HELLO", "3").Field("proto")); // the rest (client id) is instance-specific
        c.SendRaw(Encoding.ASCII.GetBytes("SUBSCRIBE ch\r\n"));
        log.Add("SUBSCRIBE ch -> " + c.ReadReply().Value);
        Do("RESET");
        log.Add("PUBLISH ch x -> " + other.Call("PUBLISH", "ch", "x"));
        Do("PING");
        // CLIENT REPLY OFF: RESET's own reply is sent and replies come back.
        c.SendRaw(Encoding.ASCII.GetBytes("CLIENT REPLY OFF\r\nPING\r\n"));
        Do("RESET");
        Do("PING");
        return log;
    }

    [Fact]
    public void Reset_clears_the_connection_state_as_redis_does()
    {
        var redis = Transcript(servers.Redis);
        var ours = Transcript(servers.Arrakis);
        Assert.True(redis.SequenceEqual(ours), $"redis:\n  {string.Join("\n  ", redis)}\narrakis:\n  {string.Join("\n  ", ours)}");
    }
}
