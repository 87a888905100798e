using System.Diagnostics;
using System.Text;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// Runs one seeded command stream against both servers in one protocol and reports every distinct
/// failure. Each request goes to both servers and the replies are compared (<see cref="ReplyComparer"/>);
/// every <see cref="FuzzOptions.DumpEvery"/> requests the keyspaces are dumped and compared, and every
/// <see cref="FuzzOptions.CheckpointEvery"/> both are flushed: only the steps since that checkpoint are
/// kept (so millions of commands stream in bounded memory), and they are what a failure replays and
/// shrinks. After a difference (or a random pop, or a SORT in hash-table order) the keys involved are deleted on both sides so that
/// later comparisons stay meaningful. A crash or hang restarts our server. Blocks; not thread-safe.
/// </summary>
internal sealed class FuzzRunner
{
    private readonly FuzzServers _servers;
    private readonly IReadOnlyList<CommandSpec> _catalog;
    private readonly FuzzOptions _options;
    private readonly ReplyComparer _comparer;
    private readonly List<FuzzCommand> _window = new();
    private FuzzSession? _session;
    private FuzzReport _report = null!;
    private Replayer _replayer = null!;
    private RespVersion _protocol;
    private long _index;
    private int _goodUpTo;
    private bool _needCheckpoint;
    private TimeSpan _shrinkSpent;

    public FuzzRunner(FuzzServers servers, IReadOnlyList<CommandSpec> catalog, FuzzOptions options)
    {
        _servers = servers;
        _catalog = catalog;
        _options = options;
        _comparer = new ReplyComparer(servers.RedisEncoding);
    }

    /// <summary>Runs <paramref name="count"/> generated requests from <paramref name="seed"/> in <paramref name="protocol"/>.</summary>
    public FuzzReport Run(RespVersion protocol, int seed, long count, Action<string>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        _protocol = protocol;
        _report = new FuzzReport(protocol, seed);
        _replayer = new Replayer(_servers, protocol);
        var generator = new CommandGenerator(_catalog, seed);
        var generated = new HashSet<string>(StringComparer.Ordinal);
        Checkpoint();
        for (_index = 0; _index < count; _index++)
        {
            var cmd = generator.Next();
            generated.Add(cmd.Name);
            _window.Add(cmd);
            _report.Commands++;
            var result = _session!.Execute(cmd);
            if (result.Outcome == StepOutcome.Replied) CompareStep(cmd, result);
            else Broken(cmd, result);
            long done = _index + 1;
            if (!_needCheckpoint && (done % _options.DumpEvery == 0 || done == count)) CheckState();
            if (_needCheckpoint || done % _options.CheckpointEvery == 0) Checkpoint();
            if (done % 100_000 == 0) progress?.Invoke($"{_report.Summary} ({done} of {count})");
        }
        _session?.Dispose();
        _session = null;
        _report.Elapsed = clock.Elapsed;
        _report.NotGenerated = _catalog.Select(c => c.Name).Where(n => !generated.Contains(n)).ToList();
        return _report;
    }

    private void Checkpoint()
    {
        _session?.Dispose();
        if (_servers.Arrakis.HasExited) _servers.RestartArrakis();
        try
        {
            _servers.FlushAll();
        }
        catch (IOException e) when (_window.Count > 0)
        {
            // Our control connection died between steps: a crash (or a close) caused by what ran before.
            Broken(_window[^1], new StepResult(StepOutcome.OursCrashed, null, null, null, "control connection at checkpoint: " + e.Message));
            _servers.RestartArrakis();
            _servers.FlushAll();
        }
        _session = new FuzzSession(_servers, _protocol);
        _window.Clear();
        _goodUpTo = 0;
        _needCheckpoint = false;
    }

    private void CompareStep(FuzzCommand cmd, StepResult result)
    {
        bool same = _comparer.Same(cmd, result.Redis!, result.Ours!, result.Queued);
        var involved = result.Queued is { } queued ? queued.Append(cmd).ToList() : [cmd];
        if (!same) RecordReply(new Difference(cmd, result.Redis!, result.Ours!, IsState: false), result.Queued);
        // A difference in transaction state (one side queued, the other did not; EXEC or MULTI answered
        // differently) desynchronises the connections themselves: start over from a checkpoint.
        if (!same && (cmd.Name is "multi" or "exec" or "discard" or "watch" or "unwatch" || IsQueued(result.Redis!) != IsQueued(result.Ours!))) _needCheckpoint = true;
        bool random = involved.Any(c => c.Name == "spop" || _comparer.ShowsHashOrder(c));
        var keys = involved.SelectMany(c => c.Keys).ToList();
        if ((!same || random) && keys.Count > 0 && !_needCheckpoint)
        {
            var del = FuzzCommand.ControlDel(keys);
            _servers.RunControl(del);
            _window.Add(del);
        }
    }

    private void RecordReply(Difference d, IReadOnlyList<FuzzCommand>? queued)
    {
        var known = KnownDifferences.Find(d) ?? KnownInExec(d, queued);
        string signature = known is null ? d.Signature : d.Signature + " (" + known.Condition + ")";
        if (_report.CountIfSeen(signature)) return;
        var failure = new FuzzFailure(FailureKind.Reply, signature, _protocol, _report.Seed, _index)
        {
            Known = known,
            Redis = Escape.Reply(d.Redis.Raw),
            Ours = Escape.Reply(d.Ours.Raw),
        };
        _report.Add(failure);
        if (failure.Known is not null)
        {
            failure.Repro = [d.Command];
            failure.ReproNote = ", the failing command only (known: not shrunk)";
            return;
        }
        Shrink(failure, _window.ToList(), steps => _replayer.Run(steps) is { Outcome: StepOutcome.Replied } r
            && !_comparer.Same(steps[^1], r.Redis!, r.Ours!, r.Queued)
            && new Difference(steps[^1], r.Redis!, r.Ours!, false).Signature == d.Signature);
    }

    /// <summary>
    /// An EXEC whose replies differ only in elements that are known differences of the queued commands
    /// is known through the first of them; otherwise null.
    /// </summary>
    private KnownDifference? KnownInExec(Difference d, IReadOnlyList<FuzzCommand>? queued)
    {
        if (queued is null || d.Redis.Value.Items is not { } r || d.Ours.Value.Items is not { } o || r.Length != o.Length || r.Length != queued.Count) return null;
        KnownDifference? first = null;
        for (int i = 0; i < r.Length; i++)
        {
            if (_comparer.SameValue(queued[i], r[i], o[i])) continue;
            var element = KnownDifferences.Find(new Difference(queued[i], Encode(r[i]), Encode(o[i]), IsState: false));
            if (element is null) return null;
            first ??= element;
        }
        return first;
    }

    private Reply Encode(RespValue v)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        v.WriteTo(new RespWriter(buffer, _protocol));
        return new Reply(v, buffer.WrittenSpan.ToArray());
    }

    private void Broken(FuzzCommand cmd, StepResult result)
    {
        var kind = result.Outcome switch
        {
            StepOutcome.OursHung => FailureKind.Hang,
            StepOutcome.OursCrashed => FailureKind.Crash,
            _ => FailureKind.RedisFailure,
        };
        string signature = $"{kind} {cmd.Name}";
        string serverLog = kind == FailureKind.Crash ? LastLines(_servers.Arrakis.Output, 12) : "";
        _needCheckpoint = true;
        if (kind == FailureKind.RedisFailure) _servers.RestartRedis();
        else _servers.RestartArrakis();
        if (_report.CountIfSeen(signature)) return;
        var failure = new FuzzFailure(kind, signature, _protocol, _report.Seed, _index)
        {
            Redis = result.Redis is { } r ? Escape.Reply(r.Raw) : "(no reply: " + result.Detail + ")",
            Ours = $"({result.Detail}){serverLog}",
        };
        _report.Add(failure);
        if (kind == FailureKind.RedisFailure)
        {
            failure.Repro = [cmd];
            return;
        }
        Shrink(failure, _window.ToList(), kind == FailureKind.Crash ? _replayer.Crashes : steps => _replayer.FailsLast(steps, result.Outcome));
    }

    private void CheckState()
    {
        string redis = KeyspaceDump.Dump(_servers.RedisControl);
        string ours;
        try
        {
            ours = KeyspaceDump.Dump(_servers.OursControl);
        }
        catch (IOException e)
        {
            Broken(_window[^1], new StepResult(StepOutcome.OursCrashed, null, null, null, "control connection during dump: " + e.Message));
            return;
        }
        if (redis == ours)
        {
            _goodUpTo = _window.Count;
            return;
        }
        _needCheckpoint = true;
        var steps = _window.ToList();
        var located = _replayer.LocateDivergence(steps, _goodUpTo);
        RecordState(steps, located, redis, ours);
    }

    private void RecordState(List<FuzzCommand> steps, (int Index, string Redis, string Ours)? located, string redis, string ours)
    {
        var (index, r, o) = located ?? (steps.Count - 1, redis, ours);
        var d = new Difference(steps[index], Bulk(OnlyIn(r, o)), Bulk(OnlyIn(o, r)), IsState: true);
        if (_report.CountIfSeen(d.Signature)) return;
        var failure = new FuzzFailure(FailureKind.State, d.Signature, _protocol, _report.Seed, _index - (steps.Count - 1 - index))
        {
            Known = KnownDifferences.Find(d),
            Redis = OnlyIn(r, o),
            Ours = OnlyIn(o, r),
        };
        _report.Add(failure);
        var culprit = steps.Take(index + 1).ToList();
        if (located is null)
        {
            failure.Repro = culprit.TakeLast(30).ToList();
            failure.ReproNote = ", the last 30 steps: the divergence did NOT reproduce on replay";
        }
        else if (failure.Known is not null)
        {
            failure.Repro = [culprit[^1]];
            failure.ReproNote = ", the command after which the keyspaces differed (known: not shrunk)";
        }
        else
        {
            Shrink(failure, culprit, _replayer.StateDiffers);
        }
    }

    /// <summary>Shrinks within the per-failure and total budgets; keeps the sequence unshrunk once the total is spent.</summary>
    private void Shrink(FuzzFailure failure, List<FuzzCommand> steps, Func<IReadOnlyList<FuzzCommand>, bool> reproduces)
    {
        _needCheckpoint = true;
        var left = TimeSpan.FromSeconds(_options.ShrinkSecondsTotal) - _shrinkSpent;
        var budget = TimeSpan.FromSeconds(Math.Min(_options.ShrinkSecondsPerFailure, Math.Max(0, left.TotalSeconds)));
        var clock = Stopwatch.StartNew();
        try
        {
            if (budget <= TimeSpan.Zero || !reproduces(steps))
            {
                failure.Repro = steps.TakeLast(30).ToList();
                failure.ReproNote = budget <= TimeSpan.Zero ? ", last 30 steps: shrink budget spent" : ", last 30 steps: did NOT reproduce on replay";
                return;
            }
            failure.Repro = Shrinker.Minimize(steps, reproduces, DateTime.UtcNow + budget, out bool complete);
            failure.ReproNote = complete ? ", shrunk" : ", partly shrunk (time budget)";
        }
        catch (IOException e)
        {
            failure.Repro = steps.TakeLast(30).ToList();
            failure.ReproNote = ", last 30 steps: replay failed: " + e.Message;
        }
        finally
        {
            _shrinkSpent += clock.Elapsed;
            _replayer.RestartIfSuspect();
        }
    }

    private static bool IsQueued(Reply r) => r.Value.Type == RespType.SimpleString && r.Value.Text == "QUEUED";

    private static string OnlyIn(string a, string b)
    {
        var other = b.Split('\n').ToHashSet(StringComparer.Ordinal);
        var lines = a.Split('\n').Where(l => l.Length > 0 && !other.Contains(l)).ToList();
        return lines.Count == 0 ? "(nothing else)" : string.Join(" | ", lines);
    }

    private static Reply Bulk(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return new Reply(new RespValue(RespType.BulkString, bytes), bytes);
    }

    private static string LastLines(string text, int n) =>
        "\n      server log: " + string.Join("\n      ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(n));
}
