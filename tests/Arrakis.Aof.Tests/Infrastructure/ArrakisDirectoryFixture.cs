using Arrakis.Persistence.Tests.Rdb.Differential;

namespace Arrakis.Aof.Tests.Infrastructure;

/// <summary>
/// Runs the real arrakis-server once (appendonly yes, appendfsync always, 8 MB log files), writes
/// every type through RESP with a BGREWRITEAOF in the middle (so there is a base RDB and a later
/// segment), records the keyspace it serves, and shuts it down. Tests work on copies (<see cref="Copy"/>).
/// </summary>
public sealed class ArrakisDirectoryFixture : IDisposable
{
    private readonly List<string> _temps = [];

    public ArrakisDirectoryFixture()
    {
        Dir = NewTemp();
        try
        {
            (Expected, ServerLog) = Build(Dir);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Runs the server on <paramref name="dir"/> (with <paramref name="extra"/> flags), writes every type with a rewrite in the middle, and shuts it down: what it served, and its log.</summary>
    internal static (SortedDictionary<string, string> Expected, string Log) Build(string dir, params string[] extra)
    {
        SortedDictionary<string, string> expected;
        using var server = ChildProcess.StartArrakis(["--appendonly", "yes", "--appendfsync", "always", "--dir", dir, "--aof-log-size", "8mb", .. extra]);
        using (var c = server.Connect())
        {
            FillBeforeRewrite(c);
            c.Ok("BGREWRITEAOF");
            WaitForRewrite(c, Path.Combine(dir, "appendonlydir", "appendonly.aof.manifest"));
            FillAfterRewrite(c);
            expected = KeyspaceDump.Read(c);
            try
            {
                c.Call("SHUTDOWN");
            }
            catch (Exception e) when (e is IOException or EndOfStreamException or System.Net.Sockets.SocketException)
            {
            }
        }
        if (!server.WaitForExit(30)) throw new TimeoutException("arrakis-server did not exit after SHUTDOWN: " + server.LogText);
        return (expected, server.LogText);
    }

    /// <summary>The server's --dir (the append-only directory is appendonlydir/ inside).</summary>
    public string Dir { get; }

    public string AppendDir => Path.Combine(Dir, "appendonlydir");

    /// <summary>What the server served just before SHUTDOWN.</summary>
    internal SortedDictionary<string, string> Expected { get; }

    public string ServerLog { get; }

    /// <summary>A private copy of the append-only directory (its path).</summary>
    public string Copy()
    {
        string target = Path.Combine(NewTemp(), "appendonlydir");
        Directory.CreateDirectory(target);
        foreach (var f in Directory.GetFiles(AppendDir)) File.Copy(f, Path.Combine(target, Path.GetFileName(f)));
        return target;
    }

    public string NewTemp()
    {
        string d = Directory.CreateTempSubdirectory("arrakis-aof-").FullName;
        lock (_temps) _temps.Add(d);
        return d;
    }

    private static void FillBeforeRewrite(RespClient c)
    {
        c.Ok("SET", "str", "hello", "EX", 1000);
        c.Ok("SET", "plain", "value");
        c.Ok("INCR", "counter");
        c.Ok("INCRBY", "counter", 41);
        c.Ok("RPUSH", "list", "a", "b", "c", "d");
        c.Ok("LPOP", "list");
        c.Ok("SADD", "set", "x", "y", "z", "w");
        c.Ok("SPOP", "set");
        c.Ok("SADD", "intset", 1, 2, 3);
        c.Ok("HSET", "hash", "f1", "v1", "f2", "v2");
        c.Ok("ZADD", "zset", 1, "one", "2.5", "two", 3, "three");
        for (int i = 0; i < 200; i++) c.Ok("HSET", "bighash", "field" + i, new string('v', i % 70));
        c.Ok("SET", "gone", "soon", "PX", 1);
        c.Ok("PFADD", "hll", "a", "b", "c");
    }

    private static void FillAfterRewrite(RespClient c)
    {
        Thread.Sleep(20);
        c.Call("GET", "gone"); // expired: logged as DEL
        c.Ok("MULTI");
        c.Ok("INCR", "counter");
        c.Ok("RPUSH", "list", "e");
        c.Ok("HSET", "hash", "f3", "v3");
        c.Ok("EXEC");
        c.Ok("SELECT", 3);
        c.Ok("SET", "db3", "three", "EX", 5000);
        c.Ok("RPUSH", "db3list", "q", "r");
        c.Ok("ZADD", "db3zset", 10, "ten");
        c.Ok("SELECT", 0);
        c.Ok("SPOP", "set");
        c.Ok("SREM", "intset", 2);
        c.Ok("ZINCRBY", "zset", "0.5", "one");
        c.Ok("INCRBYFLOAT", "float", "1.5");
        c.Ok("EXPIRE", "plain", 3000);
        c.Ok("BLPOP", "list", 1);
        c.Ok("APPEND", "str", " world");
        for (int i = 0; i < 300; i++) c.Ok("ZADD", "bigzset", (i * 1.25).ToString(System.Globalization.CultureInfo.InvariantCulture), "member" + i);
        c.Ok("DEL", "hll");
        c.Ok("PFADD", "hll2", "x", "y");
        c.Ok("SET", "later", "v", "PX", 900000);
    }

    private static void WaitForRewrite(RespClient c, string manifest)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            string info = System.Text.Encoding.ASCII.GetString((byte[])c.Ok("INFO", "persistence")!);
            if (info.Contains("aof_rewrite_in_progress:0", StringComparison.Ordinal) && File.Exists(manifest)
                && File.ReadAllText(manifest).Contains("type b", StringComparison.Ordinal))
                return;
            Thread.Sleep(50);
        }
        throw new TimeoutException("BGREWRITEAOF did not finish");
    }

    public void Dispose()
    {
        foreach (var d in _temps.Append(Dir))
        {
            try
            {
                Directory.Delete(d, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
