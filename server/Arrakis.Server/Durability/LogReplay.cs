using Arrakis.Persistence.Log;
using Arrakis.Server.Commands;
using Arrakis.Server.DataPlane;
using Arrakis.Server.Runtime;
using Arrakis.Server.Sessions;

namespace Arrakis.Server.Durability;

/// <summary>
/// Applies log records to the keyspace at startup, before any client connects: each command runs
/// through the normal dispatcher on a replay session (as Redis's AOF loading runs a fake client),
/// in loading mode (nothing expires, EXPIRE in the past sets the time instead of deleting: deletions
/// are in the log as DEL), blocking commands never block, replies are dropped.
/// </summary>
/// <remarks>Startup thread only, while no data-plane thread runs and no recorder is installed.</remarks>
internal sealed class LogReplay : IDisposable
{
    private readonly ServerState _server;
    private readonly ClientSession _session;
    private readonly CommandContext _ctx;

    public LogReplay(ServerState server, DataPlaneThread owner)
    {
        _server = server;
        _session = new ClientSession(0, -1, owner, server.Limits, "log:0", "log:0") { Authenticated = true };
        _ctx = new CommandContext(_session, server, owner) { InExec = true };
    }

    /// <summary>Commands that answered an error (a log written by this build never has any; counted and reported).</summary>
    public long Errors { get; private set; }

    public long Commands { get; private set; }

    /// <summary>The first error reply seen, for the report.</summary>
    public string? FirstError { get; private set; }

    public void Apply(LogRecord record)
    {
        foreach (var command in record.Commands)
        {
            _session.Db = command.Db < _server.Keyspace.Databases ? command.Db : 0;
            _ctx.UseExternal(command.Args);
            long errors = _ctx.Stats.ErrorReplies;
            CommandDispatcher.Execute(_ctx);
            Commands++;
            if (_ctx.Stats.ErrorReplies != errors)
            {
                Errors++;
                FirstError ??= $"LSN {record.Lsn}: {System.Text.Encoding.Latin1.GetString(_session.Output.PendingSpan[..Math.Min(200, _session.Output.Pending)]).TrimEnd()}";
            }
            _session.Output.Consume(_session.Output.Pending);
        }
    }

    public void Dispose()
    {
        _session.Input.Release();
        _session.Output.Release();
    }
}
