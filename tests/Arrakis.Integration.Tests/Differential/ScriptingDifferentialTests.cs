using Arrakis.Integration.Tests.Infrastructure;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Differential;

/// <summary>EVAL, EVALSHA, SCRIPT, FUNCTION and FCALL against redis-server byte for byte in RESP2 and
/// RESP3: Lua's conversion rules both ways (setresp 2 and 3), the sandbox's globals and errors, error
/// texts with their "script: sha, on @user_script:N." suffix, shebang flags, read-only variants, the
/// bundled libraries, Lua 5.1's own behaviour, and functions with their loading API.</summary>
[Collection("servers")]
public sealed class ScriptingDifferentialTests(ServerPairFixture servers)
{
    public static TheoryData<RespVersion> Protocols => new() { RespVersion.Resp2, RespVersion.Resp3 };

    [Theory, MemberData(nameof(Protocols))]
    public void Eval_conversions_and_errors_match_redis(RespVersion protocol)
    {
        using var h = new DifferentialHarness(servers, protocol);
        h.Run("SCRIPT", "FLUSH");
        foreach (var script in Scripts)
        {
            h.Run("EVAL", script, "0");
        }
        h.Run("SET", "s", "abc");
        h.Run("HSET", "h", "a", "1", "b", "2");
        h.Run("ZADD", "z", "1.5", "m");
        foreach (var script in CommandScripts)
        {
            h.Run("EVAL", script, "0");
            h.Run("EVAL", "redis.setresp(3) " + script, "0");
        }
        h.Run("EVAL", "return redis.call('get', KEYS[1])", "2", "a");
        h.Run("EVAL", "return {KEYS[1], ARGV[1], #ARGV, #KEYS}", "1", "s", "a1", "a2");
        h.Run("EVAL", "return 1", "-1");
        h.Run("EVAL", "return 1", "x");
        h.Run("EVAL", "return 1");
        h.Run("EVAL", "redis.call('select', 8); redis.call('set', 'moved', 1); return redis.call('exists', 'moved')", "0");
        h.Run("EXISTS", "moved");
        h.Run("SELECT", "8");
        h.Run("DEL", "moved");
        h.Run("SELECT", "9");
        h.AssertNoDifferences();
    }

    [Theory, MemberData(nameof(Protocols))]
    public void Script_cache_shebang_flags_and_read_only_match_redis(RespVersion protocol)
    {
        using var h = new DifferentialHarness(servers, protocol);
        h.Run("SCRIPT", "FLUSH");
        h.Run("EVALSHA", "abc", "0");
        h.Run("EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0");
        h.Run("SCRIPT", "LOAD", "return 1");
        h.Run("SCRIPT", "LOAD", "return +");
        h.Run("EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0");
        h.Run("EVALSHA", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "0");
        h.Run("EVALSHA_RO", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0");
        h.Run("SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "abc", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB");
        h.Run("EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v");
        h.Run("SCRIPT", "EXISTS", "a0b0a7a1c1e0c3a5fba7c93d4e2e3a2d2e1c0b0a");
        h.Run("SCRIPT", "FLUSH", "bogus");
        h.Run("SCRIPT", "FLUSH", "ASYNC");
        h.Run("SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
        h.Run("SCRIPT", "KILL");
        h.Run("SCRIPT", "NOSUCH");
        h.Run("SCRIPT", "LOAD");
        foreach (var script in new[]
        {
            "#!lua\nreturn redis.call('set','a',1)",
            "#!lua flags=no-writes\nreturn redis.call('set','a',1)",
            "#!lua flags=no-writes,allow-oom\nreturn redis.call('get','a')",
            "#!lua flags=no-writes,,allow-oom\nreturn 1",
            "#!lua flags=bogus\nreturn 1",
            "#!lua flags=\nreturn 2",
            "#!lua name=x\nreturn 1",
            "#!luax\nreturn 1",
            "#!lua",
            "#!lua\nerror('x')",
            "#!lua   flags=allow-stale,no-cluster,allow-cross-slot-keys  \nreturn 3",
        })
        {
            h.Run("EVAL", script, "0");
            h.Run("EVAL_RO", script, "0");
        }
        h.Run("EVAL_RO", "return redis.call('set','a',1)", "0");
        h.Run("EVAL_RO", "return redis.call('get','a')", "0");
        h.Run("EVAL_RO", "return redis.pcall('incr','a')", "0");
        h.AssertNoDifferences();
    }

    [Theory, MemberData(nameof(Protocols))]
    public void Functions_match_redis(RespVersion protocol)
    {
        using var h = new DifferentialHarness(servers, protocol);
        h.Run("FUNCTION", "FLUSH");
        foreach (var body in LoadErrors)
        {
            h.Run("FUNCTION", "LOAD", body);
        }
        h.Run("FUNCTION", "LOAD", "#!lua name=lib1\nredis.register_function('get1', function(keys, args) return redis.call('get', keys[1]) end)\n"
            + "redis.register_function{function_name='count', callback=function(k, a) return #a end, flags={'no-writes'}, description='counts'}\n"
            + "redis.register_function('fail', function() error('boom') end)\n"
            + "redis.register_function('write', function(k, a) return redis.call('set', k[1], a[1]) end)\n"
            + "redis.register_function('log', function() redis.log(redis.LOG_NOTICE, 'from a function') return redis.REDIS_VERSION end)");
        h.Run("FUNCTION", "LOAD", "#!lua name=lib1\nredis.register_function('x', function() return 1 end)");
        h.Run("FUNCTION", "LOAD", "#!lua name=lib2\nredis.register_function('get1', function() return 1 end)");
        h.Run("FUNCTION", "LOAD", "foo", "#!lua name=lib2\nredis.register_function('x', function() return 1 end)");
        h.Run("FCALL", "write", "1", "fk", "fv");
        h.Run("FCALL", "get1", "1", "fk");
        h.Run("FCALL", "count", "0", "a", "b", "c");
        h.Run("FCALL_RO", "count", "0", "a");
        h.Run("FCALL_RO", "write", "1", "fk", "x");
        h.Run("FCALL", "fail", "0");
        h.Run("FCALL", "log", "0");
        h.Run("FCALL", "nosuch", "0");
        h.Run("FCALL", "get1", "x");
        h.Run("FCALL", "get1", "-1");
        h.Run("FCALL", "get1", "2", "fk");
        // Redis lists a library's functions in its dict's order (seeded per process): compared as sets.
        h.Run(Compare.Unordered, "FUNCTION", "LIST", "LIBRARYNAME", "lib1");
        h.Run(Compare.Unordered, "FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "lib*");
        h.Run("FUNCTION", "LIST", "LIBRARYNAME");
        h.Run("FUNCTION", "LIST", "foo");
        h.Run("FUNCTION", "LIST", "WITHCODE", "WITHCODE");
        h.Run("FUNCTION", "STATS");
        h.Run("FUNCTION", "LOAD", "REPLACE", "#!lua name=lib1\nredis.register_function('get1', function(keys) return 'replaced' end)");
        h.Run("FCALL", "get1", "0");
        h.Run("FCALL", "count", "0");
        h.Run("FUNCTION", "LIST");
        h.Run("FUNCTION", "KILL");
        h.Run("FUNCTION", "DELETE", "nosuch");
        h.Run("FUNCTION", "DELETE", "lib1");
        h.Run("FUNCTION", "LIST");
        h.Run("FUNCTION", "FLUSH", "bogus");
        h.Run("FUNCTION", "FLUSH", "async", "x");
        h.Run("SCRIPT", "FLUSH", "async", "x");
        h.Run("FUNCTION", "RESTORE", "abc");
        h.Run("FUNCTION", "RESTORE", "abc", "badpolicy");
        h.Run("FUNCTION", "FLUSH", "SYNC");
        h.Run("FUNCTION", "STATS");
        h.AssertNoDifferences();
    }

    public static TheoryData<RespVersion, int> Seeds => new() { { RespVersion.Resp2, 11 }, { RespVersion.Resp3, 12 }, { RespVersion.Resp2, 13 } };

    /// <summary>Seeded random scripts: redis.call/pcall of random commands over a few keys, results returned
    /// raw, nested, as types or through cjson, with and without redis.setresp(3).</summary>
    [Theory, MemberData(nameof(Seeds))]
    public void Random_scripts_match_redis(RespVersion protocol, int seed)
    {
        using var h = new DifferentialHarness(servers, protocol);
        var rng = new Random(seed);
        string K() => "'k" + rng.Next(4) + "'";
        string V() => rng.Next(5) switch { 0 => rng.Next(-5, 100).ToString(System.Globalization.CultureInfo.InvariantCulture), 1 => "1.5", 2 => "'x'", 3 => "''", _ => "'v" + rng.Next(3) + "'" };
        string[] calls =
        [
            "'set', {k}, {v}", "'get', {k}", "'incr', {k}", "'incrbyfloat', {k}, {v}", "'append', {k}, {v}", "'del', {k}, {k}",
            "'exists', {k}", "'type', {k}", "'hset', {k}, 'f', {v}, 'g', {v}", "'hgetall', {k}", "'hmget', {k}, 'f', 'nope'",
            "'hincrby', {k}, 'f', {v}", "'lpush', {k}, {v}, {v}", "'lrange', {k}, 0, -1", "'lpop', {k}", "'zadd', {k}, {v}, 'm'",
            "'zrange', {k}, 0, -1, 'WITHSCORES'", "'zscore', {k}, 'm'", "'zincrby', {k}, {v}, 'm'", "'sadd', {k}, {v}", "'scard', {k}",
            "'sismember', {k}, {v}", "'mget', {k}, {k}", "'xadd', {k}, '1-' .. {n}, 'f', {v}", "'xlen', {k}", "'xrange', {k}, '-', '+'",
            "'strlen', {k}", "'getrange', {k}, 0, 2", "'expire', {k}, 100", "'ttl', {k}", "'persist', {k}", "'setnx', {k}, {v}",
            "'bogus', {k}", "'get'", "'set', {k}", "'object', 'encoding', {k}", "'ping'", "'echo', {v}",
        ];
        string Call()
        {
            string c = calls[rng.Next(calls.Length)];
            while (c.Contains("{k}")) c = ReplaceFirst(c, "{k}", K());
            while (c.Contains("{v}")) c = ReplaceFirst(c, "{v}", V());
            c = c.Replace("{n}", rng.Next(1, 50).ToString(System.Globalization.CultureInfo.InvariantCulture));
            return (rng.Next(3) == 0 ? "redis.call(" : "redis.pcall(") + c + ")";
        }
        for (int i = 0; i < 150; i++)
        {
            var sb = new System.Text.StringBuilder();
            if (rng.Next(3) == 0) sb.Append("redis.setresp(3) ");
            int n = rng.Next(1, 4);
            for (int j = 0; j < n; j++) sb.Append("local r").Append(j).Append(" = ").Append(Call()).Append(' ');
            string last = "r" + (n - 1);
            sb.Append(rng.Next(6) switch
            {
                0 => "return {" + string.Join(", ", Enumerable.Range(0, n).Select(j => "r" + j)) + "}",
                1 => "return type(" + last + ")",
                2 => "return cjson.encode({" + last + "})",
                3 => "if type(" + last + ") == 'table' then return " + last + ".ok or " + last + ".err or #" + last + " end return " + last,
                _ => "return " + last,
            });
            h.Run("EVAL", sb.ToString(), "0");
        }
        h.AssertNoDifferences();
    }

    private static string ReplaceFirst(string s, string what, string with)
    {
        int i = s.IndexOf(what, StringComparison.Ordinal);
        return s[..i] + with + s[(i + what.Length)..];
    }

    [Fact]
    public void Function_dump_restores_on_the_other_server()
    {
        using var ours = new RespConnection(servers.Arrakis.Port);
        using var theirs = new RespConnection(servers.Redis.Port);
        const string library = "#!lua name=dumped\nredis.register_function('dumped_f', function(k, a) return 'dumped ' .. a[1] end)";
        foreach (var (from, to) in new[] { (ours, theirs), (theirs, ours) })
        {
            from.Call("FUNCTION", "FLUSH");
            to.Call("FUNCTION", "FLUSH");
            Assert.Equal("dumped", from.Call("FUNCTION", "LOAD", library).Text);
            var payload = from.Call("FUNCTION", "DUMP").Bytes!;
            Assert.Equal("OK", to.CallRaw([.. new[] { "FUNCTION", "RESTORE" }.Select(System.Text.Encoding.ASCII.GetBytes), payload]).Value.Text);
            Assert.Equal("dumped x", to.Call("FCALL", "dumped_f", "0", "x").Text);
            Assert.Equal("ERR Library dumped already exists", to.CallRaw([.. new[] { "FUNCTION", "RESTORE" }.Select(System.Text.Encoding.ASCII.GetBytes), payload]).Value.Text);
            Assert.Equal("OK", to.CallRaw([.. new[] { "FUNCTION", "RESTORE" }.Select(System.Text.Encoding.ASCII.GetBytes), payload, "REPLACE"u8.ToArray()]).Value.Text);
            from.Call("FUNCTION", "FLUSH");
            to.Call("FUNCTION", "FLUSH");
        }
    }

    private static readonly string[] LoadErrors =
    [
        "return 1",
        "#!lua\nreturn 1",
        "#!lua name=my-lib\nreturn 1",
        "#!luax name=a\nreturn 1",
        "#!lua name=a foo=b\nreturn 1",
        "#!lua name=a\nreturn 1",
        "#!lua name=b\nredis.register_function('g', function() return 1 end) redis.register_function('g', function() return 1 end)",
        "#!lua name=b\nredis.call('ping')",
        "#!lua name=b\nreturn +",
        "#!lua name=b\nerror('x')",
        "#!lua name=c\nredis.register_function{function_name='h2', callback=function() end, flags={'bad'}}",
        "#!lua name=c\nredis.register_function{function_name='1-x', callback=function() end}",
        "#!lua name=c\nredis.register_function{function_name='x'}",
        "#!lua name=c\nredis.register_function('x')",
        "#!lua name=c\nredis.register_function{function_name='x', callback=function() end, foo=1}",
        "#!lua name=c\nredis.register_function()",
        "#!lua name=c\nx = 5",
        "#!lua name=c\nlocal t = string",
        "#!lua name=c\nlocal t = redis.setresp",
        "#!lua name=c\nredis.register_function('x', 5)",
        "#!lua name=c\nredis.register_function{function_name='x', callback=5}",
        "#!lua name=c\nredis.register_function{callback=function() end}",
        "#!lua name=c\nredis.register_function{function_name='x', callback=function() end, flags=5}",
        "#!lua name=c\nredis.register_function{[1]=5}",
        "#!lua name=c\nredis.register_function{function_name={}, callback=function() end}",
        "#!lua name=c\nwhile true do end",
    ];

    /// <summary>Scripts that touch no key: conversions, errors, the sandbox, Lua 5.1, the libraries.</summary>
    private static readonly string[] Scripts =
    [
        "return 1", "return 'a\\r\\nb'", "return 3.99", "return -3.99", "return true", "return false", "return nil",
        "return {1,2,{3,'x'},nil,5}", "return {a=1, 5}", "local t = {} t[1]=1 t[2]=2 t[4]=4 return t",
        "return {ok='fine'}", "return {ok='a\\r\\nb'}", "return {ok=5}", "return {ok=''}",
        "return {err='bad'}", "return {err='-bad'}", "return {err='a\\r\\nb'}", "return {err=5}", "return {err=''}",
        "return {double=1.5}", "return {double='x'}", "return {double=1/0}", "return {double=0/0}",
        "return {map={a=1}}", "return {map={a=1, b={1,2}}}", "return {set={a=true,b=false}}", "return {big_number='123'}",
        "return {verbatim_string={format='txt', string='hi'}}", "return {verbatim_string={format='txt'}}",
        "redis.setresp(3) return true", "redis.setresp(3) return false", "redis.setresp(3) return {double=0/0}",
        "redis.setresp(3) return {map={x={set={y=true}}}}",
        "return 1/0", "return -1/0", "return 0/0", "return 2^63", "return -2^63", "return 1e300", "return 2^53+1",
        "return redis.error_reply('x y')", "return redis.error_reply('-x y')", "return redis.error_reply()", "return redis.error_reply(5)",
        "local e = redis.error_reply('x y'); return e.err",
        "return cjson.encode({redis.error_reply('x'), redis.error_reply('-x'), redis.error_reply('x y'), redis.error_reply('-x y'), redis.error_reply('-'), redis.error_reply(''), redis.error_reply('- y')})",
        "return redis.error_reply('-x')", "return redis.error_reply('')", "return cjson.encode(redis.pcall('bogus'))",
        "return redis.pcall('bogus').ignore_error_stats_update", "local ok, e = xpcall(function() redis.call('bogus') end, function(m) return m end); return cjson.encode(e)", "return redis.status_reply('FOO')", "return redis.status_reply()",
        "return redis.status_reply('a','b')",
        "print(x)", "x = 1", "_G.x = 1", "redis.call = nil", "string.len = nil", "setmetatable(_G, nil)", "rawset(_G,'x',1)",
        "return loadfile", "return dofile", "return os", "return io", "return debug", "return require", "return newproxy",
        "getmetatable('').__index.upper = nil", "return rawget(_G, 'redis') ~= nil",
        "local t={} for k,v in pairs(_G) do t[#t+1]=k end table.sort(t) return t",
        "local t={} for k,v in pairs(redis) do t[#t+1]=k end table.sort(t) return t",
        "local t={} for k,v in pairs(string) do t[#t+1]=k end table.sort(t) return t",
        "error('boom')", "error()", "error(nil)", "error(5)", "error({err='nocode'})", "error({err='x', source='s', line=7})",
        "return 1 +", "return (", "local x = 1\nlocal y = nil + 1",
        "local ok,e = pcall(redis.call,'nosuch'); return {type(e), tostring(e)}",
        "local ok,e = pcall(error,{err='x'}); return type(e)", "local ok,e = pcall(error,{err=5}); return type(e)",
        "local ok,e = pcall(error,{foo=5}); return type(e)", "return {pcall(function() return 1, 2 end)}",
        "local ok,e = xpcall(function() redis.call('nosuch') end, function(m) return m end); return type(e)",
        "return pcall()",
        "return tostring(3/1)", "return tostring(10/2)", "return string.format('%d', 3.7)", "return #{1,nil,3}",
        "return unpack({1,2})", "return select('#', 1, nil, 3)", "return tostring(9007199254740993)", "return math.floor(-3.5)",
        "return string.rep('ab', 3)", "return ('x'):upper()", "return table.concat({1,2,3}, '-')", "return tostring(nil)",
        "return math.random(1000)", "return {math.random(), math.random(10,20)}", "return math.random(0)", "return math.random(5,1)",
        "math.randomseed(42) return math.random(1000000)",
        "return cjson.encode({1,2,{a=0.1}})", "return cjson.encode(cjson.decode('[1,null,3]'))", "return cjson.encode(1/3)",
        "return cjson.decode('{\"a\":[1,2]}').a[2]", "return cjson.decode('{bad')", "return cjson.encode({[1]=1, [3]=3})",
        "return bit.tohex(255)", "return bit.band(0xff, 0x0f)", "return bit.bxor(5, 3)", "return bit.lshift(1, 31)",
        "return redis.sha1hex('abc')", "return redis.sha1hex('')", "return redis.sha1hex(5)", "return redis.sha1hex()",
        "return redis.sha1hex({})", "return _VERSION",
        "return redis.log(redis.LOG_WARNING, 'hi')", "return redis.log(99, 'hi')", "return redis.log(redis.LOG_WARNING)",
        "return redis.log('x','y')", "return redis.log(1, {}, 'x', 5)",
        "return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM}", "return redis.set_repl(redis.REPL_ALL)", "return redis.set_repl()",
        "return redis.set_repl(99)", "return redis.replicate_commands()", "return redis.breakpoint()", "return redis.debug('x')",
        "return redis.acl_check_cmd('get','x')", "return redis.acl_check_cmd('nosuch')", "return redis.acl_check_cmd()",
        "return redis.acl_check_cmd({})",
        "return redis.setresp(4)", "return redis.setresp()", "return redis.setresp('x')",
        "return cmsgpack.pack({1,2,{a=1}})", "return cmsgpack.pack(1.5, -1, 2^40, 'x', true, false, nil)",
        "return cjson.encode({cmsgpack.unpack(cmsgpack.pack({1,2,3}, {x='y'}))})", "return cmsgpack.pack({})",
        "return cmsgpack.pack(string.rep('a', 40), string.rep('b', 300))", "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2), 0)}",
        "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}", "return cmsgpack.unpack('\\xc1')", "return cmsgpack.unpack('\\x92\\x01')",
        "return cmsgpack._VERSION", "return struct.pack('>I2', 258)", "return struct.pack('<i4', -5)", "return struct.pack('>d', 1.5)",
        "return {struct.unpack('>I2', 'ab')}", "return struct.size('>i4i2')", "return struct.pack('s', 'ab')", "return struct.pack('c3', 'abcdef')",
        "return struct.unpack('>i4', 'ab')", "return struct.pack('x!4i4', 1)", "return struct.pack('=i4', 1)", "return struct.pack('i17', 1)",
        "local co = coroutine.wrap(function() return redis.call('ping') end) return co()",
        "return loadstring('return 1+1')()", "return loadstring('x = 1')()", "return loadstring('return print')()",
        "return type(loadstring('return +'))",
        "return redis.call()", "return redis.call(1.5)", "return redis.call({})", "return redis.call('nosuch')",
        "return redis.call('multi')", "return redis.call('blpop','l',0)", "return redis.call('eval','return 1',0)",
        "return redis.call('client','nosuch')", "return redis.call('config','get')", "return redis.call('incr','x','y')",
        "return redis.call('get',{})", "return redis.call('get',true)", "return redis.pcall('get',{})", "return redis.pcall('nosuch')",
        "return redis.call('set','n',1e20)", "return redis.call('get','n')", "return redis.call('set','n',0.1)", "return redis.call('get','n')",
        "return redis.call('set','n',-0.0)", "return redis.call('get','n')", "return redis.call('set','n',12345678901234567)",
        "return redis.call('get','n')",
        "return redis.call('debug','sleep',0)", "return redis.call('ping')", "return redis.call('echo', 'x')",
        "local t = redis.call('time') return #t", "return redis.call('exists', 'nokey')",
    ];

    /// <summary>Scripts over the keys s (string), h (hash), z (sorted set), each also run after redis.setresp(3).</summary>
    private static readonly string[] CommandScripts =
    [
        "return redis.call('incr','s')", "return redis.pcall('incr','s')", "local t = redis.pcall('incr','s'); return t['err']",
        "return redis.call('hset','s','f','v')", "return redis.call('hgetall','h')", "return redis.call('hgetall','nohash')",
        "local t = redis.call('hgetall','h'); return type(t)", "local t = redis.call('hgetall','h'); return t.map and t.map.a or t[2]",
        "return redis.call('zscore','z','m')", "return type(redis.call('zscore','z','m'))",
        "local r = redis.call('zscore','z','m'); return type(r) == 'table' and r.double or r",
        "return redis.call('get','nokey')", "return type(redis.call('get','nokey'))", "return redis.call('smembers','h')",
        "return redis.call('set','k2','v', 'GET')", "return redis.call('type','h')", "return type(redis.call('type','h'))",
        "return redis.call('type','h').ok", "return redis.call('zrange','z',0,-1,'withscores')", "return redis.call('exists','h')",
        "return redis.call('lrange','nolist',0,-1)", "return redis.call('hello','2')", "return redis.call('object', 'encoding', 'h')",
    ];
}
