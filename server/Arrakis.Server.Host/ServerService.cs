using Arrakis.IoBypass.Linux.Sockets;
using Arrakis.Server.Configuration;
using Arrakis.Server.Durability;
using Arrakis.Server.Runtime;
using Microsoft.Extensions.Logging;

namespace Arrakis.Server.Host;

/// <summary>
/// Claims the network resources (the control-plane step), starts the data-plane threads, prints
/// the startup report, and on SIGTERM/SIGINT or SHUTDOWN stops accepting, flushes and exits 0.
/// </summary>
internal sealed class ServerService(ServerOptions options, StartupInfo startup, ILogger log, Action requestStop)
{
    private readonly ILogger _log = log;
    private NetworkClaim? _network;
    private ArrakisServer? _server;
    private Durability.LogDevice? _storage;

    public void Start()
    {
        foreach (var w in startup.Warnings) _log.LogWarning("config: {Warning}", w);
        _network = NetworkClaim.Claim(options);
        _server = new ArrakisServer(options, _network.Sources, _log)
        {
            NetworkDescription = options.Network == "kernel" ? "epoll" : options.Network,
            ConfigFile = startup.ConfigFile,
        };
        _server.ShutdownRequested += () =>
        {
            _log.LogWarning("User requested shutdown...");
            requestStop();
        };
        _server.SyncDirectory = IoBypass.Linux.Control.StorageClaim.SyncDirectory;
        _server.OffHeap = IoBypass.Linux.Memory.NativeOffHeapMemory.Instance;
        ArrakisServer.RecordPageMemory = IoBypass.Linux.Memory.NativeOffHeapMemory.Instance;
        string cpus = PinThreads();
        string storage;
        if (!options.AppendOnly)
        {
            try
            {
                storage = "appendonly no; " + _server.LoadSnapshotIfPresent();
            }
            catch (InvalidOperationException e)
            {
                _network.Dispose();
                throw new InvalidOperationException(e.Message, e);
            }
        }
        else
        {
            try
            {
                (_storage, var recovery) = LogStartup.Open(_server, options, new ClaimedLogStorage(options));
                storage = $"appendonly yes, appendfsync {Configuration.ConfigRegistry.Find("appendfsync")!.Get(options)}; {_storage.Report}";
                _log.LogInformation("Log recovery: {Recovery}", recovery);
            }
            catch (InvalidOperationException e)
            {
                _network.Dispose();
                throw new InvalidOperationException(e.Message, e);
            }
        }
        _server.Start();
        _log.LogInformation(
            "Arrakis {Version} (Redis {Redis} protocol and commands) pid={Pid} | threads: {Threads}{Cpus} | network: {Network} " +
            "| storage: {Storage} | commands: {Commands} | config: {Config}",
            typeof(ServerService).Assembly.GetName().Version, Commands.Connection.ConnectionCommands.RedisVersion, Environment.ProcessId, options.Threads, cpus,
            _network.Description, storage, _server.CommandCount, startup.ConfigFile.Length == 0 ? "none" : startup.ConfigFile);
        _log.LogInformation("Ready to accept connections tcp");
    }

    /// <summary>Redis's CPU lists: server_cpulist pins every data-plane thread when it starts (as Redis pins its main
    /// thread), bgsave_cpulist and aof_rewrite_cpulist the threads a save or a rewrite starts. A list that does not
    /// parse is ignored with a warning (Redis ignores it silently). Returns the startup report's words.</summary>
    private string PinThreads()
    {
        var server = _server!.State;
        var serverCpus = CpuList("server_cpulist", options.ServerCpuList);
        var bgsaveCpus = CpuList("bgsave_cpulist", options.BgsaveCpuList);
        var rewriteCpus = CpuList("aof_rewrite_cpulist", options.AofRewriteCpuList);
        if (serverCpus is not null) server.DataPlaneThreadStart = () => Pin(serverCpus, options.ServerCpuList);
        if (bgsaveCpus is not null || rewriteCpus is not null)
        {
            server.BackgroundThreadStart = work =>
            {
                var (cpus, text) = work == BackgroundWork.AofRewrite ? (rewriteCpus, options.AofRewriteCpuList) : (bgsaveCpus, options.BgsaveCpuList);
                if (cpus is not null) Pin(cpus, text);
            };
        }
        return serverCpus is null ? "" : $" on CPUs {options.ServerCpuList}";
    }

    private int[]? CpuList(string name, string list)
    {
        if (list.Length == 0) return null;
        if (IoBypass.Linux.Control.CpuAffinity.TryParse(list, out var cpus)) return cpus;
        _log.LogWarning("{Name}: '{List}' is not a CPU list (e.g. 0-3, 1,5, 0-7:2); ignored", name, list);
        return null;
    }

    private void Pin(int[] cpus, string text)
    {
        int rc = IoBypass.Linux.Control.CpuAffinity.PinCurrentThread(cpus);
        if (rc != 0) _log.LogWarning("cannot pin {Thread} to CPUs {List}: errno {Errno}", Thread.CurrentThread.Name, text, -rc);
    }

    public void Stop()
    {
        _log.LogInformation("Shutting down: closing listeners, flushing replies");
        _server?.Stop();
        _network?.Dispose();
        (_server?.State.LogDirectory?.Current ?? _storage)?.Owner.Dispose();
        _log.LogInformation("Arrakis is now ready to exit, bye bye...");
    }
}
