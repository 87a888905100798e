using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Arrakis.Persistence.Tests.Rdb.Differential;

namespace Arrakis.Aof.Tests.Infrastructure;

/// <summary>A server process on a free loopback port (arrakis-server or Debian's redis-server); Dispose kills it by PID.</summary>
internal sealed class ChildProcess : IDisposable
{
    public const string RedisServer = "/usr/bin/redis-server";
    private readonly Process _process;

    private ChildProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>stdout and stderr lines.</summary>
    public List<string> Log { get; } = [];

    public string LogText
    {
        get
        {
            lock (Log) return string.Join("\n", Log);
        }
    }

    /// <summary>arrakis-server (the build copied next to the tests) with <paramref name="args"/> after --port.</summary>
    public static ChildProcess StartArrakis(params string[] args) =>
        Start("dotnet", port => [Path.Combine(AppContext.BaseDirectory, "arrakis-server.dll"), "--port", port, "--bind", "127.0.0.1", .. args]);

    /// <summary>Debian's redis-server 7.0 with <paramref name="args"/> after --port.</summary>
    public static ChildProcess StartRedis(params string[] args)
    {
        if (!File.Exists(RedisServer)) throw new InvalidOperationException("redis-server is not installed: run tests/run.sh, which installs it");
        return Start(RedisServer, port => ["--port", port, "--bind", "127.0.0.1", "--daemonize", "no", "--protected-mode", "no", .. args]);
    }

    private static ChildProcess Start(string file, Func<string, string[]> args)
    {
        int port = FreePort();
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args(port.ToString(System.Globalization.CultureInfo.InvariantCulture))) psi.ArgumentList.Add(a);
        var p = Process.Start(psi) ?? throw new InvalidOperationException($"{file} did not start");
        var child = new ChildProcess(p, port);
        p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (child.Log) child.Log.Add(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (child.Log) child.Log.Add(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            child.WaitReady();
        }
        catch
        {
            child.Dispose();
            throw;
        }
        return child;
    }

    public RespClient Connect() => new(Port);

    /// <summary>Waits up to <paramref name="seconds"/> for the process to exit on its own.</summary>
    public bool WaitForExit(int seconds) => _process.WaitForExit(seconds * 1000);

    public bool HasExited => _process.HasExited;

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
    }

    private void WaitReady()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the server exited ({_process.ExitCode}): {LogText}");
            try
            {
                using var c = Connect();
                if (c.Call("PING") is "PONG") return;
            }
            catch (Exception e) when (e is SocketException or IOException)
            {
            }
            Thread.Sleep(50);
        }
        throw new TimeoutException("the server did not answer PING: " + LogText);
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
