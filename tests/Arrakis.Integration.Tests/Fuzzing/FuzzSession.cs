using System.Net.Sockets;
using Arrakis.Integration.Tests.Infrastructure;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// One fuzzing connection to each server in one protocol (RESP3 sends HELLO 3 first, not compared),
/// sending each request to both and reading both replies with <see cref="ReplyTimeoutMs"/>. Tracks
/// MULTI from Redis's replies so that an EXEC's result comes with the commands it ran. After any
/// outcome but <see cref="StepOutcome.Replied"/> the session is unusable: dispose it. Blocks.
/// </summary>
internal sealed class FuzzSession : IDisposable
{
    /// <summary>How long a reply may take before it counts as a hang.</summary>
    public const int ReplyTimeoutMs = 5000;

    private readonly FuzzServers _servers;
    private readonly RespConnection _redis;
    private readonly RespConnection _ours;
    private readonly List<FuzzCommand> _queued = new();
    private bool _inMulti;

    public FuzzSession(FuzzServers servers, RespVersion protocol)
    {
        _servers = servers;
        _redis = new RespConnection(servers.Redis.Port, ReplyTimeoutMs);
        _ours = new RespConnection(servers.Arrakis.Port, ReplyTimeoutMs);
        if (protocol == RespVersion.Resp3)
        {
            _redis.Call("HELLO", "3");
            _ours.Call("HELLO", "3");
        }
    }

    /// <summary>Runs one step: a control step on the control connections, anything else on both fuzzing connections.</summary>
    public StepResult Execute(FuzzCommand cmd)
    {
        if (cmd.IsControl)
        {
            _servers.RunControl(cmd);
            return new StepResult(StepOutcome.Replied, null, null, null);
        }
        var bytes = RespConnection.Encode(cmd.Args);
        Reply redis;
        try
        {
            _redis.SendRaw(bytes);
        }
        catch (IOException e)
        {
            return new StepResult(StepOutcome.RedisFailed, null, null, null, e.Message);
        }
        try
        {
            _ours.SendRaw(bytes);
        }
        catch (IOException e)
        {
            return new StepResult(StepOutcome.OursCrashed, null, null, null, e.Message);
        }
        try
        {
            var (v, raw) = _redis.ReadReply();
            redis = new Reply(v, raw);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return new StepResult(StepOutcome.RedisFailed, null, null, null, e.Message);
        }
        return ReadOurs(cmd, redis);
    }

    private StepResult ReadOurs(FuzzCommand cmd, Reply redis)
    {
        Reply ours;
        try
        {
            var (v, raw) = _ours.ReadReply();
            ours = new Reply(v, raw);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut } && !_servers.Arrakis.HasExited)
        {
            return new StepResult(StepOutcome.OursHung, redis, null, null, $"no reply within {ReplyTimeoutMs} ms");
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return new StepResult(StepOutcome.OursCrashed, redis, null, null, e.Message + (_servers.Arrakis.HasExited ? " (process exited)" : ""));
        }
        return new StepResult(StepOutcome.Replied, redis, ours, Track(cmd, redis));
    }

    /// <summary>Follows MULTI/EXEC/DISCARD as Redis saw them; returns the queued commands when an EXEC ends a transaction.</summary>
    private IReadOnlyList<FuzzCommand>? Track(FuzzCommand cmd, Reply redis)
    {
        if (!_inMulti)
        {
            _inMulti = cmd.Name == "multi" && !redis.IsError;
            _queued.Clear();
            return null;
        }
        if (cmd.Name is "exec" or "discard")
        {
            _inMulti = false;
            return cmd.Name == "exec" ? _queued.ToArray() : null;
        }
        if (redis.Value.Type == RespType.SimpleString && redis.Value.Text == "QUEUED") _queued.Add(cmd);
        return null;
    }

    public void Dispose()
    {
        _redis.Dispose();
        _ours.Dispose();
    }
}
