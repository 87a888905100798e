using Arrakis.IoBypass.Linux.Sockets;
using Arrakis.Server.Configuration;
using Arrakis.Server.Durability;
using Arrakis.Server.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Arrakis.Server.Host;

/// <summary>
/// Claims the network resources (the control-plane step), starts the data-plane threads, prints
/// the startup report, and on SIGTERM/SIGINT or SHUTDOWN stops accepting, flushes and exits 0.
/// </summary>
internal sealed class ServerService(ServerOptions options, StartupInfo startup, IHostApplicationLifetime lifetime, ILoggerFactory loggers) : IHostedService
{
    private readonly ILogger _log = loggers.CreateLogger("arrakis");
    private KernelListener? _listener;
    private ArrakisServer? _server;
    private Durability.LogDevice? _storage;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var w in startup.Warnings) _log.LogWarning("config: {Warning}", w);
        if (!string.Equals(options.Network, "epoll", StringComparison.OrdinalIgnoreCase) && !string.Equals(options.Network, "auto", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"network source '{options.Network}' is not available in this build: only 'epoll' (kernel sockets) exists; AF_XDP comes with the bypass work");
        }
        _listener = new KernelListener(options.Bind, options.Port, options.TcpBacklog);
        options.Port = _listener.Port;
        var listener = _listener;
        _server = new ArrakisServer(options, _ => new EpollConnectionSource(listener), _log)
        {
            NetworkDescription = "epoll",
            ConfigFile = startup.ConfigFile,
        };
        _server.ShutdownRequested += () =>
        {
            _log.LogWarning("User requested shutdown...");
            lifetime.StopApplication();
        };
        _server.SyncDirectory = IoBypass.Linux.Control.StorageClaim.SyncDirectory;
        string storage;
        if (!options.AppendOnly)
        {
            try
            {
                storage = "appendonly no; " + _server.LoadSnapshotIfPresent();
            }
            catch (InvalidOperationException e)
            {
                _listener.Dispose();
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
                _listener.Dispose();
                throw new InvalidOperationException(e.Message, e);
            }
        }
        _server.Start();
        _log.LogInformation(
            "Arrakis {Version} (Redis {Redis} protocol and commands) pid={Pid} | threads: {Threads} | network: kernel TCP sockets via epoll on {Bind} port {Port} " +
            "(AF_XDP bypass not built yet; 'epoll' is the portable source) | storage: {Storage} | commands: {Commands} | config: {Config}",
            typeof(ServerService).Assembly.GetName().Version, Commands.Connection.ConnectionCommands.RedisVersion, Environment.ProcessId, options.Threads,
            string.Join(",", options.Bind), options.Port, storage, _server.CommandCount, startup.ConfigFile.Length == 0 ? "none" : startup.ConfigFile);
        _log.LogInformation("Ready to accept connections tcp");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _log.LogInformation("Shutting down: closing listeners, flushing replies");
        _listener?.Dispose();
        _server?.Stop();
        (_server?.State.LogDirectory?.Current ?? _storage)?.Owner.Dispose();
        _log.LogInformation("Arrakis is now ready to exit, bye bye...");
        return Task.CompletedTask;
    }
}
