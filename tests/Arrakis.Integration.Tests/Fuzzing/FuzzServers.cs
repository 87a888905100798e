using System.Text;
using Arrakis.Integration.Tests.Infrastructure;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// The fuzzer's own server pair (not a shared fixture: it flushes and restarts at will) and one RESP2
/// control connection to each, kept on db 0, for FLUSHALL, re-synchronising DELs, encoding look-ups and
/// dumps. Processes are killed by PID on dispose. Not thread-safe.
/// </summary>
internal sealed class FuzzServers : IDisposable
{
    private FuzzServers(ServerProcess redis, ServerProcess arrakis)
    {
        Redis = redis;
        Arrakis = arrakis;
        RedisControl = new RespConnection(redis.Port, FuzzSession.ReplyTimeoutMs);
        OursControl = new RespConnection(arrakis.Port, FuzzSession.ReplyTimeoutMs);
    }

    public ServerProcess Redis { get; private set; }

    public ServerProcess Arrakis { get; private set; }

    public RespConnection RedisControl { get; private set; }

    public RespConnection OursControl { get; private set; }

    /// <summary>Starts redis-server and arrakis-server (two data-plane threads, as the other differential tests).</summary>
    public static FuzzServers Start()
    {
        var redis = ServerProcess.StartRedis();
        try
        {
            return new FuzzServers(redis, ServerProcess.StartArrakis("--threads", "2"));
        }
        catch
        {
            redis.Dispose();
            throw;
        }
    }

    /// <summary>Kills our server (by PID) and starts a fresh one, after a crash or hang.</summary>
    public void RestartArrakis()
    {
        OursControl.Dispose();
        Arrakis.Dispose();
        Arrakis = ServerProcess.StartArrakis("--threads", "2");
        OursControl = new RespConnection(Arrakis.Port, FuzzSession.ReplyTimeoutMs);
    }

    /// <summary>Kills redis-server (by PID) and starts a fresh one, after it failed to answer in time.</summary>
    public void RestartRedis()
    {
        RedisControl.Dispose();
        Redis.Dispose();
        Redis = ServerProcess.StartRedis();
        RedisControl = new RespConnection(Redis.Port, FuzzSession.ReplyTimeoutMs);
    }

    /// <summary>FLUSHALL on both servers.</summary>
    public void FlushAll()
    {
        RedisControl.Call("FLUSHALL");
        OursControl.Call("FLUSHALL");
    }

    /// <summary>Runs a control step (a re-synchronising DEL) on both servers; replies are not compared.</summary>
    public void RunControl(FuzzCommand step)
    {
        RedisControl.CallRaw(step.Args);
        OursControl.CallRaw(step.Args);
    }

    /// <summary>OBJECT ENCODING of <paramref name="key"/> (db 0) in Redis, or null if there is no such key.</summary>
    public string? RedisEncoding(byte[] key)
    {
        var v = RedisControl.CallRaw(["OBJECT"u8.ToArray(), "ENCODING"u8.ToArray(), key]).Value;
        return v.Bytes is null || v.Type == RespType.Error ? null : Encoding.ASCII.GetString(v.Bytes);
    }

    public void Dispose()
    {
        RedisControl.Dispose();
        OursControl.Dispose();
        Arrakis.Dispose();
        Redis.Dispose();
    }
}
