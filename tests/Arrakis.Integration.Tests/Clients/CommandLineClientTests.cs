using System.Diagnostics;
using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Clients;

/// <summary>redis-cli (Debian's redis-tools) and redis-py (Debian's python3-redis) against arrakis-server.</summary>
[Collection("servers")]
public sealed class CommandLineClientTests(ServerPairFixture servers)
{
    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(30000), "client did not finish");
        return (p.ExitCode, output);
    }

    [Fact]
    public void Redis_cli_sets_gets_and_reads_info()
    {
        string port = servers.Arrakis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("OK", Run("redis-cli", "-p", port, "-n", "7", "set", "cli:key", "a b").Output.Trim());
        Assert.Equal("a b", Run("redis-cli", "-p", port, "-n", "7", "get", "cli:key").Output.Trim());
        Assert.Equal("(integer) 3", Run("redis-cli", "-p", port, "-n", "7", "--no-raw", "strlen", "cli:key").Output.Trim());
        Assert.Contains("redis_version:7.0.15", Run("redis-cli", "-p", port, "info", "server").Output);
        var err = Run("redis-cli", "-p", port, "nosuchcmd");
        Assert.Contains("ERR unknown command 'nosuchcmd'", err.Output);
        Assert.Equal("PONG", Run("redis-cli", "-p", port, "-3", "ping").Output.Trim());
    }

    [Fact]
    public void Redis_py_client_round_trips()
    {
        string script = $$"""
import redis
r = redis.Redis(host='127.0.0.1', port={{servers.Arrakis.Port}}, db=8)
r.flushdb()
assert r.set('py:a', 'x', ex=100) is True
assert r.get('py:a') == b'x'
assert 95 <= r.ttl('py:a') <= 100
assert r.incrby('py:n', 10) == 10
assert r.mget(['py:a', 'py:none']) == [b'x', None]
assert sorted(r.keys('py:*')) == [b'py:a', b'py:n']
assert r.setbit('py:b', 5, 1) == 0 and r.bitcount('py:b') == 1
p = r.pipeline(transaction=False)
for i in range(100): p.incr('py:c')
assert p.execute()[-1] == 100
try:
    r.execute_command('NOPE')
    raise SystemExit('no error')
except redis.ResponseError as e:
    assert "unknown command 'NOPE'" in str(e), str(e)
print('ok')
""";
        var (code, output) = Run("/usr/bin/python3", "-c", script);
        Assert.True(code == 0, output);
        Assert.Equal("ok", output.Trim());
    }

    [Fact]
    public void Redis_py_scripts_and_lock_work()
    {
        string script = $$"""
import threading, redis
r = redis.Redis(host='127.0.0.1', port={{servers.Arrakis.Port}}, db=10)
r.flushdb()
add = r.register_script("return redis.call('incrby', KEYS[1], ARGV[1])")
assert add(keys=['py:n'], args=[3]) == 3
r.script_flush()
assert add(keys=['py:n'], args=[4]) == 7          # EVALSHA, NOSCRIPT, then EVAL again
assert r.eval("return {1, 'a', false}", 0) == [1, b'a', None]
assert r.evalsha(r.script_load('return ARGV[1]'), 0, 'x') == b'x'
counter = {'n': 0}
def worker():
    for _ in range(20):
        with r.lock('py:lock', timeout=10, blocking_timeout=10):
            v = counter['n']
            counter['n'] = v + 1
threads = [threading.Thread(target=worker) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
assert counter['n'] == 80, counter
lock = r.lock('py:other', timeout=5)
assert lock.acquire(blocking=False)
assert not r.lock('py:other', timeout=5).acquire(blocking=False)
lock.extend(5)
lock.release()
assert r.exists('py:other') == 0
r.function_load("#!lua name=pylib\nredis.register_function('pyf', function(k, a) return #a end)", replace=True)
assert r.fcall('pyf', 0, 'a', 'b') == 2
r.function_delete('pylib')
r.flushdb()
print('ok')
""";
        var (code, output) = Run("/usr/bin/python3", "-c", script);
        Assert.True(code == 0, output);
        Assert.Equal("ok", output.Trim());
    }
}
