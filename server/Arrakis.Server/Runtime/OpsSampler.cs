namespace Arrakis.Server.Runtime;

/// <summary>instantaneous_ops_per_sec: commands per second over the time since the previous INFO (at most a few seconds).</summary>
internal static class OpsSampler
{
    private static readonly object Gate = new();
    private static long _lastMs = ServerClock.MonotonicMs;
    private static long _lastCommands;
    private static long _lastRate;

    public static long OpsPerSecond(ServerState server)
    {
        lock (Gate)
        {
            long now = ServerClock.MonotonicMs, commands = server.Sum(t => t.Commands);
            long elapsed = now - _lastMs;
            if (elapsed >= 100)
            {
                _lastRate = (commands - _lastCommands) * 1000 / elapsed;
                _lastMs = now;
                _lastCommands = commands;
            }
            return _lastRate;
        }
    }
}
