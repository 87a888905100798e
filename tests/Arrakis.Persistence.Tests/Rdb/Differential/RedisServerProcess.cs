using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Arrakis.Persistence.Tests.Rdb.Differential;

/// <summary>
/// Debian's /usr/bin/redis-server on a free port in a temporary directory, without saving or AOF;
/// Dispose kills it by PID and deletes the directory. The tests install nothing: tests/run.sh does.
/// </summary>
internal sealed class RedisServerProcess : IDisposable
{
    public const string ServerPath = "/usr/bin/redis-server";
    private readonly Process _process;

    private RedisServerProcess(Process process, int port, string dir, string dbFile)
    {
        _process = process;
        Port = port;
        Directory = dir;
        DbFile = dbFile;
    }

    public int Port { get; }

    public string Directory { get; }

    public string DbFile { get; }

    public string DbPath => Path.Combine(Directory, DbFile);

    /// <summary>Starts a server in <paramref name="dir"/> (created when null) loading <paramref name="dbFile"/> if it exists.</summary>
    public static RedisServerProcess Start(string? dir = null, string dbFile = "dump.rdb")
    {
        if (!File.Exists(ServerPath)) throw new InvalidOperationException("redis-server is not installed: run tests/run.sh, which installs it");
        dir ??= System.IO.Directory.CreateTempSubdirectory("arrakis-rdb-").FullName;
        int port = FreePort();
        var psi = new ProcessStartInfo(ServerPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--dir", dir, "--dbfilename", dbFile,
                     "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no" })
            psi.ArgumentList.Add(a);
        var p = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start");
        var server = new RedisServerProcess(p, port, dir, dbFile);
        p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (server.Log) server.Log.Add(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (server.Log) server.Log.Add(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            server.WaitReady();
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    /// <summary>Server log lines (stdout/stderr).</summary>
    public List<string> Log { get; } = [];

    public RespClient Connect() => new(Port);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void WaitReady()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException("redis-server exited: " + string.Join("\n", Log));
            try
            {
                using var c = Connect();
                if (c.Call("PING") is "PONG") return;
            }
            catch (SocketException)
            {
            }
            catch (IOException)
            {
            }
            Thread.Sleep(50);
        }
        throw new TimeoutException("redis-server did not answer PING: " + string.Join("\n", Log));
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
