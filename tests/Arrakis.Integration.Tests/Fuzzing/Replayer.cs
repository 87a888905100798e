using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// Replays a step sequence on the fuzzer's servers from an empty keyspace (FLUSHALL, fresh fuzzing
/// connections), restarting our server first if an earlier replay left it dead or hung. Used to check
/// that a failure reproduces, to shrink it, and to find the step after which the keyspaces diverged.
/// Destroys the servers' current state. Blocks.
/// </summary>
internal sealed class Replayer(FuzzServers servers, RespVersion protocol)
{
    private bool _suspect;

    /// <summary>Runs the steps; returns the first result that is not <see cref="StepOutcome.Replied"/>, else the last step's.</summary>
    public StepResult Run(IReadOnlyList<FuzzCommand> steps)
    {
        using var session = Begin();
        StepResult last = new(StepOutcome.Replied, null, null, null);
        foreach (var step in steps)
        {
            last = session.Execute(step);
            if (last.Outcome != StepOutcome.Replied) break;
        }
        _suspect = last.Outcome != StepOutcome.Replied;
        return last;
    }

    /// <summary>True if the steps crash our server: a fuzzing connection or, right after, the control connection dies.</summary>
    public bool Crashes(IReadOnlyList<FuzzCommand> steps)
    {
        if (Run(steps).Outcome == StepOutcome.OursCrashed) return true;
        try
        {
            servers.OursControl.Call("PING");
            return servers.Arrakis.HasExited;
        }
        catch (IOException)
        {
            _suspect = true;
            return true;
        }
    }

    /// <summary>True if after the steps the two keyspace dumps differ.</summary>
    public bool StateDiffers(IReadOnlyList<FuzzCommand> steps)
    {
        var r = Run(steps);
        return r.Outcome == StepOutcome.Replied && KeyspaceDump.Dump(servers.RedisControl) != KeyspaceDump.Dump(servers.OursControl);
    }

    /// <summary>
    /// Replays the steps and returns the index of the first step after which the dumps differ, with both
    /// dumps; dumps are taken after every step from <paramref name="from"/> on (from 0 if the state
    /// already differs there). Null if the divergence does not reproduce.
    /// </summary>
    public (int Index, string Redis, string Ours)? LocateDivergence(IReadOnlyList<FuzzCommand> steps, int from)
    {
        using var session = Begin();
        for (int i = 0; i < from; i++)
        {
            if (session.Execute(steps[i]).Outcome != StepOutcome.Replied) return null;
        }
        if (from > 0 && DumpsDiffer(out _, out _)) return LocateDivergence(steps, 0);
        for (int i = from; i < steps.Count; i++)
        {
            if (session.Execute(steps[i]).Outcome != StepOutcome.Replied) return null;
            if (DumpsDiffer(out var redis, out var ours)) return (i, redis, ours);
        }
        return null;
    }

    private bool DumpsDiffer(out string redis, out string ours)
    {
        redis = KeyspaceDump.Dump(servers.RedisControl);
        ours = KeyspaceDump.Dump(servers.OursControl);
        return redis != ours;
    }

    /// <summary>Restarts our server if the last replay crashed or hung it (it may still be dying).</summary>
    public void RestartIfSuspect()
    {
        if (_suspect || servers.Arrakis.HasExited) servers.RestartArrakis();
        _suspect = false;
    }

    private FuzzSession Begin()
    {
        RestartIfSuspect();
        servers.FlushAll();
        return new FuzzSession(servers, protocol);
    }
}
