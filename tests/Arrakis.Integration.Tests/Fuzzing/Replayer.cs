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
    public StepResult Run(IReadOnlyList<FuzzCommand> steps) => Run(steps, out _);

    /// <summary>As <see cref="Run(IReadOnlyList{FuzzCommand})"/>; <paramref name="at"/> is the index of the step that gave the result.</summary>
    public StepResult Run(IReadOnlyList<FuzzCommand> steps, out int at)
    {
        using var session = Begin();
        StepResult last = new(StepOutcome.Replied, null, null, null);
        for (at = 0; at < steps.Count; at++)
        {
            last = session.Execute(steps[at]);
            if (last.Outcome != StepOutcome.Replied) break;
        }
        at = Math.Min(at, steps.Count - 1);
        _suspect = last.Outcome != StepOutcome.Replied;
        return last;
    }

    /// <summary>True if the last step (and no earlier one) ends with <paramref name="outcome"/>: shrinking must not slide to another failure.</summary>
    public bool FailsLast(IReadOnlyList<FuzzCommand> steps, StepOutcome outcome) => Run(steps, out int at).Outcome == outcome && at == steps.Count - 1;

    /// <summary>True if the steps crash our server: a fuzzing connection or, right after, the control connection dies.</summary>
    public bool Crashes(IReadOnlyList<FuzzCommand> steps)
    {
        var result = Run(steps, out int at);
        if (result.Outcome == StepOutcome.OursCrashed) return at == steps.Count - 1;
        if (result.Outcome != StepOutcome.Replied) return false;
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
            // A reply difference was already reported and its keys re-synchronised by the next (control) step.
            if (i + 1 < steps.Count && steps[i + 1].IsControl) continue;
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
