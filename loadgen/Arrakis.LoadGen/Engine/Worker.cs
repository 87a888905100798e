using System.Diagnostics;
using System.Net.Sockets;
using Arrakis.LoadGen.Options;
using Arrakis.LoadGen.Workload;
using Arrakis.Protocol;

namespace Arrakis.LoadGen.Engine;

/// <summary>
/// One worker thread driving its connections: keeps up to --pipeline requests in flight on each
/// (closed loop) or sends each at its intended time (open loop, --rate), matches replies in order,
/// records latency from the intended (open loop) or actual (closed loop) send time.
/// </summary>
internal sealed class Worker
{
    private readonly LoadGenOptions _o;
    private readonly List<Connection> _connections;
    private readonly KeyGenerator[] _keys;
    private readonly IReadOnlyList<CommandSpec> _commands;
    private readonly RequestEncoder[] _encoders;
    private readonly int[] _cumulativeWeights;
    private readonly ValueSource _values;
    private readonly Random _random;
    private readonly RunClock _clock;
    private readonly long _intervalTicks;

    public Worker(int index, LoadGenOptions o, List<Connection> connections, RunClock clock)
    {
        _o = o;
        _connections = connections;
        _clock = clock;
        _commands = o.EffectiveCommands;
        _encoders = _commands.Select(c => new RequestEncoder(c, o.KeyPrefix)).ToArray();
        _cumulativeWeights = new int[_commands.Count];
        int sum = 0;
        for (int i = 0; i < _commands.Count; i++) _cumulativeWeights[i] = sum += _commands[i].Weight;
        _values = new ValueSource(o.Seed, o.DataSizeMin, o.DataSizeMax);
        _random = new Random(HashCode.Combine(o.Seed, index));
        _keys = connections.Select(c => new KeyGenerator(o, c.Index, o.Connections)).ToArray();
        Stats = _commands.Select(c => new CommandStats(c.Name)).ToArray();
        if (o.Rate > 0)
        {
            _intervalTicks = (long)(Stopwatch.Frequency * o.Connections / o.Rate);
            foreach (var c in connections) c.NextIntendedTicks = clock.StartTicks + _intervalTicks * c.Index / o.Connections;
        }
    }

    public CommandStats[] Stats { get; }

    /// <summary>Replies received so far (read by the progress printer on another thread).</summary>
    public long Completed;

    /// <summary>Sum of recorded latencies in microseconds (for the live average).</summary>
    public long LatencySumUs;

    public long Recorded;

    public List<string> Problems { get; } = new();

    public void Run()
    {
        var spin = new SpinWait();
        while (true)
        {
            bool progress = false, anyActive = false;
            long now = Stopwatch.GetTimestamp();
            bool sending = !_clock.SendingStopped(now);
            for (int i = 0; i < _connections.Count; i++)
            {
                var c = _connections[i];
                if (c.Dead) continue;
                if (sending) progress |= Fill(c, i, now);
                if (!c.Flush() || c.Receive() < 0)
                {
                    OnDead(c);
                    continue;
                }
                while (c.TryTakeReply(out var reply))
                {
                    progress = true;
                    OnReply(c, reply);
                }
                if (c.Dead)
                {
                    OnDead(c);
                    continue;
                }
                if (c.InFlight > 0 || (sending && HasQuota(c))) anyActive = true;
            }
            if (!anyActive || _clock.Aborted) break;
            if (!progress)
            {
                if (_o.Rate > 0 && sending) WaitForSchedule(ref spin);
                else WaitForReply();
            }
        }
    }

    private bool HasQuota(Connection c) => _o.TestTimeSeconds > 0 || c.Sent < _o.Requests;

    private bool Fill(Connection c, int slot, long now)
    {
        bool any = false;
        while (c.InFlight < _o.Pipeline && HasQuota(c))
        {
            long start = now;
            if (_o.Rate > 0)
            {
                if (c.NextIntendedTicks > now) break;
                start = c.NextIntendedTicks;
                c.NextIntendedTicks += _intervalTicks;
            }
            int cmd = PickCommand();
            long key = _keys[slot].Next(_random);
            var data = _values.For(key);
            var encoder = _encoders[cmd];
            int length = encoder.Encode(c.SendSpace(encoder.MaxSize(data.Length)), key, data);
            c.Enqueue(length, cmd, key, start);
            any = true;
        }
        return any;
    }

    private int PickCommand()
    {
        if (_cumulativeWeights.Length == 1) return 0;
        int r = _random.Next(_cumulativeWeights[^1]);
        for (int i = 0; i < _cumulativeWeights.Length; i++)
        {
            if (r < _cumulativeWeights[i]) return i;
        }
        return _cumulativeWeights.Length - 1;
    }

    private void OnReply(Connection c, in ReplyInfo r)
    {
        long now = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref Completed);
        if (now < _clock.RecordFromTicks) return; // warm-up
        var s = Stats[r.Command];
        long us = (now - r.StartTicks) * 1_000_000 / Stopwatch.Frequency;
        s.Count++;
        s.Record(us);
        s.BytesIn += r.ReplyBytes;
        s.BytesOut += r.RequestBytes;
        Interlocked.Add(ref LatencySumUs, us);
        Interlocked.Increment(ref Recorded);
        if (r.Type is RespType.Error or RespType.BulkError)
        {
            if (s.Errors++ < 3) Problems.Add($"{s.Name}: server error: {System.Text.Encoding.UTF8.GetString(c.ReceivedBytes(r.PayloadOffset, r.PayloadLength))}");
            return;
        }
        if (!_commands[r.Command].IsRead) return;
        if (r.Type == RespType.Null)
        {
            s.Misses++;
            return;
        }
        s.Hits++;
        if (_o.Verify && r.Type == RespType.BulkString && !c.ReceivedBytes(r.PayloadOffset, r.PayloadLength).SequenceEqual(_values.For(r.Key)))
        {
            if (s.VerifyFailures++ < 3) Problems.Add($"{s.Name}: verify failed for {_o.KeyPrefix}{r.Key}");
        }
    }

    private void OnDead(Connection c)
    {
        lock (Problems) Problems.Add($"connection {c.Index} dropped: {c.DeathReason} after {c.Completed} replies");
        if (!_o.ContinueOnDisconnect) _clock.Abort();
    }

    /// <summary>
    /// Open loop, nothing to do now: wait for the next intended send time. Waits longer than a
    /// millisecond block in poll() on a connection with a request in flight (so its reply is taken
    /// as soon as it comes) or sleep; shorter ones yield the CPU, which the server may need.
    /// </summary>
    private void WaitForSchedule(ref SpinWait spin)
    {
        long next = long.MaxValue;
        bool inFlight = false;
        foreach (var c in _connections)
        {
            if (c.Dead) continue;
            inFlight |= c.InFlight > 0;
            if (c.InFlight < _o.Pipeline) next = Math.Min(next, c.NextIntendedTicks);
        }
        long waitTicks = next - Stopwatch.GetTimestamp();
        if (waitTicks <= 0) return;
        if (waitTicks > Stopwatch.Frequency / 900)
        {
            if (inFlight) WaitForReply();
            else Thread.Sleep(1);
        }
        else if (!Thread.Yield())
        {
            spin.SpinOnce(-1);
        }
    }

    /// <summary>Blocks briefly in poll() on the connection with the oldest request in flight.</summary>
    private void WaitForReply()
    {
        foreach (var c in _connections)
        {
            if (!c.Dead && c.InFlight > 0)
            {
                try
                {
                    c.Socket.Poll(1000, SelectMode.SelectRead);
                }
                catch (SocketException)
                {
                }
                return;
            }
        }
    }
}
