using Arrakis.IoBypass.Transport;
using Arrakis.Server.Configuration;
using Arrakis.Server.DataPlane;
using Microsoft.Extensions.Logging;

namespace Arrakis.Server.Runtime;

/// <summary>
/// The running server: shared state plus one <see cref="DataPlaneThread"/> per configured thread,
/// each polling the network source made for it by the caller (kernel sockets, AF_XDP, in-memory).
/// </summary>
public sealed class ArrakisServer : IDisposable
{
    private readonly List<DataPlaneThread> _threads = new();
    private readonly ILogger _log;

    public ArrakisServer(ServerOptions options, Func<int, IConnectionSource> sourceFactory, ILogger? log = null)
        : this(options, sourceFactory, log, commands: null)
    {
    }

    /// <summary>A server over its own command table (tests inject failing handlers this way).</summary>
    internal ArrakisServer(ServerOptions options, Func<int, IConnectionSource> sourceFactory, ILogger? log, Commands.CommandTable? commands)
    {
        _log = log ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        options.ResolveAuto();
        State = new ServerState(options, commands) { Log = _log };
        for (int i = 0; i < options.Threads; i++)
            _threads.Add(new DataPlaneThread(i, options.Threads, State, sourceFactory(i), _log));
    }

    internal ServerState State { get; }

    public ServerOptions Options => State.Options;

    /// <summary>Raised (on a data-plane thread) when a client sends SHUTDOWN.</summary>
    public event Action? ShutdownRequested
    {
        add => State.ShutdownRequested += value;
        remove => State.ShutdownRequested -= value;
    }

    public string NetworkDescription
    {
        get => State.NetworkDescription;
        set => State.NetworkDescription = value;
    }

    public string ConfigFile
    {
        get => State.ConfigFile;
        set => State.ConfigFile = value;
    }

    /// <summary>Number of commands in the command table (for the startup report).</summary>
    public int CommandCount => State.Commands.Count;

    public void Start()
    {
        foreach (var t in _threads) t.Start();
    }

    /// <summary>Stops every data-plane thread: in-flight replies are flushed and connections closed.</summary>
    public void Stop()
    {
        foreach (var t in _threads) t.Stop();
        foreach (var t in _threads) t.Join(TimeSpan.FromSeconds(5));
    }

    public void Dispose() => Stop();
}
