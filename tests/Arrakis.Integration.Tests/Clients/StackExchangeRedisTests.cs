using Arrakis.Integration.Tests.Infrastructure;
using StackExchange.Redis;

namespace Arrakis.Integration.Tests.Clients;

/// <summary>The StackExchange.Redis client against a real arrakis-server process, in RESP2 and RESP3.</summary>
[Collection("servers")]
public sealed class StackExchangeRedisTests(ServerPairFixture servers)
{
    private ConnectionMultiplexer Connect(RedisProtocol protocol) =>
        ConnectionMultiplexer.Connect(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", servers.Arrakis.Port } },
            Protocol = protocol,
            AbortOnConnectFail = true,
            ConnectTimeout = 10000,
            AllowAdmin = true,
        });

    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task Strings_keys_and_expiry_work_through_the_client(RedisProtocol protocol)
    {
        using var mux = Connect(protocol);
        var db = mux.GetDatabase(5);
        string p = "se:" + protocol + ":";
        Assert.True(await db.StringSetAsync(p + "a", "hello"));
        Assert.Equal("hello", (string?)await db.StringGetAsync(p + "a"));
        Assert.Equal(5, await db.StringIncrementAsync(p + "n", 5));
        Assert.Equal(7.5, await db.StringIncrementAsync(p + "f", 7.5));
        Assert.True(await db.KeyExpireAsync(p + "a", TimeSpan.FromSeconds(100)));
        var ttl = await db.KeyTimeToLiveAsync(p + "a");
        Assert.InRange(ttl!.Value.TotalSeconds, 98, 100);
        Assert.False(await db.StringSetAsync(p + "a", "x", when: When.NotExists));
        var values = await db.StringGetAsync([p + "a", p + "missing", p + "n"]);
        Assert.Equal(["hello", null, "5"], values.Select(v => (string?)v));
        Assert.Equal(2, await db.KeyDeleteAsync([p + "a", p + "n", p + "missing"]));
        Assert.Equal(RedisType.String, await db.KeyTypeAsync(p + "f"));
        var server = mux.GetServer("127.0.0.1", servers.Arrakis.Port);
        Assert.Contains(server.Keys(5, p + "*", pageSize: 3), k => k == p + "f");
        Assert.Equal("7.0.15", server.Version.ToString());
    }

    [Fact]
    public async Task Pipelined_concurrent_increments_are_not_lost()
    {
        using var mux = Connect(RedisProtocol.Resp2);
        var db = mux.GetDatabase(6);
        await db.KeyDeleteAsync("counter");
        var tasks = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var batch = new List<Task>();
            for (int i = 0; i < 1000; i++) batch.Add(db.StringIncrementAsync("counter"));
            await Task.WhenAll(batch);
        }));
        await Task.WhenAll(tasks);
        Assert.Equal(8000, (long)await db.StringGetAsync("counter"));
    }

    [Theory]
    [InlineData(RedisProtocol.Resp2)]
    [InlineData(RedisProtocol.Resp3)]
    public async Task Scripts_and_locks_work_through_the_client(RedisProtocol protocol)
    {
        using var mux = Connect(protocol);
        var db = mux.GetDatabase(4);
        string p = "se-lua:" + protocol + ":";
        await db.KeyDeleteAsync([p + "counter", p + "lock"]);
        // ScriptEvaluate sends EVAL; LuaScript goes through EVALSHA and falls back to EVAL on NOSCRIPT.
        var result = await db.ScriptEvaluateAsync("return redis.call('incrby', KEYS[1], ARGV[1])", [(RedisKey)(p + "counter")], [5]);
        Assert.Equal(5, (long)result);
        var server = mux.GetServer("127.0.0.1", servers.Arrakis.Port);
        server.ScriptFlush();
        var prepared = LuaScript.Prepare("redis.call('incrby', @key, @by) return redis.call('get', @key)");
        for (int i = 0; i < 3; i++) Assert.Equal("" + (5 + 2 * (i + 1)), (string?)await db.ScriptEvaluateAsync(prepared, new { key = (RedisKey)(p + "counter"), by = 2 }));
        var loaded = await prepared.LoadAsync(server);
        Assert.True(await server.ScriptExistsAsync(loaded.Hash));
        var multi = await db.ScriptEvaluateAsync("return {1, 'two', {3}}");
        Assert.Equal(3, ((RedisResult[])multi!).Length);
        var error = await Assert.ThrowsAsync<RedisServerException>(() => db.ScriptEvaluateAsync("return redis.call('incr', KEYS[1], 'x')", [(RedisKey)(p + "counter")]));
        Assert.StartsWith("ERR Wrong number of args calling Redis command from script", error.Message);
        // The distributed lock: LockRelease only releases the holder's own token.
        Assert.True(await db.LockTakeAsync(p + "lock", "me", TimeSpan.FromSeconds(30)));
        Assert.False(await db.LockTakeAsync(p + "lock", "other", TimeSpan.FromSeconds(30)));
        Assert.False(await db.LockReleaseAsync(p + "lock", "other"));
        Assert.Equal("me", (string?)await db.LockQueryAsync(p + "lock"));
        Assert.True(await db.LockExtendAsync(p + "lock", "me", TimeSpan.FromSeconds(60)));
        Assert.True(await db.LockReleaseAsync(p + "lock", "me"));
        Assert.False(await db.KeyExistsAsync(p + "lock"));
        await db.KeyDeleteAsync(p + "counter");
    }
}
