using System.Diagnostics;
using System.Net.Sockets;

namespace Arrakis.Integration.Tests.Infrastructure;

/// <summary>A real server process (arrakis-server or Debian's redis-server) on a free loopback port, killed by PID on dispose.</summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>The program that runs arrakis-server and the arguments before the server's own: the NativeAOT
    /// binary named by ARRAKIS_SERVER_BINARY (tests/run.sh runs this suite against it a second time), else
    /// <c>dotnet arrakis-server.dll</c> of this build.</summary>
    public static (string File, List<string> Prefix) ArrakisCommand()
    {
        string? native = Environment.GetEnvironmentVariable("ARRAKIS_SERVER_BINARY");
        if (!string.IsNullOrEmpty(native)) return (native, []);
        return ("dotnet", [Path.Combine(AppContext.BaseDirectory, "arrakis-server.dll")]);
    }

    public static ServerProcess StartArrakis(params string[] extra)
    {
        int port = FreePort.Next();
        var (file, args) = ArrakisCommand();
        args.AddRange(["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        args.AddRange(extra);
        return Start(file, args, port);
    }

    /// <summary>Starts arrakis-server under prlimit with at most <paramref name="openFiles"/> file descriptors.</summary>
    public static ServerProcess StartArrakisWithFileLimit(int openFiles, params string[] extra)
    {
        int port = FreePort.Next();
        var (file, prefix) = ArrakisCommand();
        var args = new List<string> { $"--nofile={openFiles}", file };
        args.AddRange(prefix);
        args.AddRange(["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        args.AddRange(extra);
        return Start("prlimit", args, port);
    }

    /// <summary>CPU time (user + system) the process has used so far, from /proc.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Open file descriptors of the process (entries of /proc/PID/fd).</summary>
    public int OpenFileDescriptors => Directory.GetFiles($"/proc/{Pid}/fd").Length;

    /// <summary>Resident set size in bytes, from /proc/PID/status.</summary>
    public long ResidentBytes
    {
        get
        {
            foreach (var line in File.ReadAllLines($"/proc/{Pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
            return 0;
        }
    }

    /// <summary>Starts arrakis-server with exactly these arguments (config file first, if any) and environment.</summary>
    public static ServerProcess StartArrakisRaw(IEnumerable<string> args, int port, Dictionary<string, string>? env)
    {
        var (file, all) = ArrakisCommand();
        all.AddRange(args);
        return Start(file, all, port, env);
    }

    public static ServerProcess StartRedis(params string[] extra)
    {
        int port = FreePort.Next();
        var args = new List<string> { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--enable-debug-command", "yes" };
        args.AddRange(extra);
        return Start(RedisServerPath(), args, port);
    }

    /// <summary>redis-server reading <paramref name="configFile"/> first, then <paramref name="extra"/> directives (nothing else set).</summary>
    public static ServerProcess StartRedisWithConfig(string configFile, params string[] extra)
    {
        int port = FreePort.Next();
        var args = new List<string> { configFile, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--daemonize", "no" };
        args.AddRange(extra);
        return Start(RedisServerPath(), args, port);
    }

    public static string RedisServerPath()
    {
        foreach (var p in new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" })
        {
            if (File.Exists(p)) return p;
        }
        throw new InvalidOperationException("redis-server is not installed: the test command installs Debian's redis-server package (apt-get install redis-server)");
    }

    /// <summary>
    /// Starts arrakis-server with exactly <paramref name="args"/> and waits for its "Ready to accept
    /// connections" line (for servers not reachable on loopback: the bypass path). Throws with the output
    /// when it exits first or does not get ready within 30 s.
    /// </summary>
    public static ServerProcess StartArrakisUntilReady(int port, params string[] args)
    {
        var (file, all) = ArrakisCommand();
        all.AddRange(args);
        return Start(file, all, port, env: null, waitReady: sp =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                if (sp.Output.Contains("Ready to accept connections", StringComparison.Ordinal)) return;
                if (sp._process.HasExited) throw new InvalidOperationException($"server exited with {sp._process.ExitCode}: {sp.Output}");
                Thread.Sleep(50);
            }
            throw new TimeoutException("server never said it was ready: " + sp.Output);
        });
    }

    /// <summary>Runs arrakis-server with <paramref name="args"/> until it exits (a refused startup): exit code and output.</summary>
    public static (int Code, string Output) RunArrakisToExit(params string[] args)
    {
        var (file, prefix) = ArrakisCommand();
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in prefix) psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(30_000))
        {
            p.Kill(true);
            throw new TimeoutException("server did not exit: " + stdout.Result + stderr.Result);
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    private static ServerProcess Start(string file, List<string> args, int port, Dictionary<string, string>? env = null, Action<ServerProcess>? waitReady = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        var p = Process.Start(psi)!;
        var sp = new ServerProcess(p, port);
        p.OutputDataReceived += (_, e) => { lock (sp._output) sp._output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { lock (sp._output) sp._output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            if (waitReady is null) sp.WaitReady();
            else waitReady(sp);
        }
        catch
        {
            sp.Dispose(); // never leave a server behind when it did not come up
            throw;
        }
        return sp;
    }

    private void WaitReady()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"server exited with {_process.ExitCode}: {Output}");
            try
            {
                using var c = new RespConnection(Port);
                var reply = c.Call("PING").Text;
                if (reply == "PONG" || reply.StartsWith("NOAUTH", StringComparison.Ordinal)) return;
            }
            catch (SocketException)
            {
            }
            catch (IOException)
            {
            }
            Thread.Sleep(50);
        }
        throw new TimeoutException("server did not answer PING: " + Output);
    }

    /// <summary>Sends SIGTERM and waits for the exit code.</summary>
    public int Terminate(TimeSpan timeout)
    {
        Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        if (!_process.WaitForExit((int)timeout.TotalMilliseconds)) throw new TimeoutException("no exit after SIGTERM");
        return _process.ExitCode;
    }

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit((int)timeout.TotalMilliseconds);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
