using Arrakis.Persistence.Log;
using Arrakis.Server.Commands;

namespace Arrakis.Server.Durability;

/// <summary>
/// Collects the effects of what one data-plane thread runs and appends them to the log while the
/// stripes they touch are still held, so the log's order is the serial order. A command's effect is
/// its own arguments when it changed the data (the dirty counter moved), unless its handler gave a
/// deterministic replacement (<see cref="Replace"/>: SPOP becomes SREM, a served BLPOP becomes LPOP,
/// an expiry in the past becomes DEL); every expiry a command sets is followed by PEXPIREAT with the
/// absolute time; keys that expire are logged as DEL. Effects are sealed when a lock scope ends and
/// appended as one record when the outermost scope ends (a whole EXEC is one record).
/// </summary>
/// <remarks>One per data-plane thread (<see cref="Current"/> is thread-static); owned by that thread.</remarks>
internal sealed class EffectRecorder(DurableLog log)
{
    [ThreadStatic] private static EffectRecorder? t_current;

    private readonly EffectBuffer _buffer = new();
    private readonly List<Frame> _frames = new();
    private readonly List<(int Db, byte[] Key, long At)> _expiries = new();
    private int _depth;
    private long _observed;

    /// <summary>The recorder of the calling thread, or null where nothing is logged (log off, replay, tools).</summary>
    public static EffectRecorder? Current => t_current;

    public static void Install(EffectRecorder? recorder) => t_current = recorder;

    public DurableLog Log => log;

    /// <summary>A command starts (nested inside EXEC for queued commands). <paramref name="noDefault"/>: never log its arguments (EXEC).</summary>
    public void BeginCommand(CommandContext ctx, bool noDefault)
    {
        if (_frames.Count == 0) _observed = 0;
        _frames.Add(new Frame(ctx, ctx.Stats.Dirty, noDefault));
    }

    /// <summary>The command ended; returns the LSN its reply depends on (0: none) when it was the outermost.</summary>
    public long EndCommand()
    {
        if (_depth == 0) CommitPending(allStripes: false, default, null);
        _frames.RemoveAt(_frames.Count - 1);
        return _frames.Count == 0 ? _observed : 0;
    }

    /// <summary>The running command's effect is <paramref name="args"/> instead of its own arguments (call once per command it stands for).</summary>
    public static void Replace(CommandContext ctx, params ReadOnlySpan<byte[]> args)
    {
        var r = t_current;
        if (r is null || r._frames.Count == 0) return;
        var f = r._frames[^1];
        f.Emitted = true;
        r._frames[^1] = f;
        r._buffer.Add(ctx.Session.Db, args);
    }

    /// <summary>The running command changed data whose effect its handler logged itself (or that needs none, as
    /// Redis's XREADGROUP dirtying without a change): its own arguments are not logged.</summary>
    public static void SuppressDefault(CommandContext ctx)
    {
        var r = t_current;
        if (r is null || r._frames.Count == 0) return;
        var f = r._frames[^1];
        f.Emitted = true;
        r._frames[^1] = f;
    }

    /// <summary>A key expired (lazily or actively) and was removed: logged as DEL.</summary>
    public static void Expired(int db, byte[] key)
    {
        var r = t_current;
        if (r is null) return;
        r._buffer.Add(db, "DEL"u8.ToArray(), key);
        if (r._depth == 0) r.CommitPending(allStripes: false, default, null);
    }

    /// <summary>A command set a key's expiry to <paramref name="at"/> (Unix ms): PEXPIREAT follows the command's effect.</summary>
    public static void ExpirySet(int db, ReadOnlySpan<byte> key, long at)
    {
        var r = t_current;
        if (r is null || at == 0 || r._frames.Count == 0) return;
        r._expiries.Add((db, key.ToArray(), at)); // copied only when a log records it
    }

    public void EnterScope() => _depth++;

    /// <summary>Drops the effects collected and not yet appended (a script cut short by SHUTDOWN NOSAVE).</summary>
    public void DiscardPending()
    {
        _buffer.Clear();
        _expiries.Clear();
        for (int i = 0; i < _frames.Count; i++) _frames[i] = _frames[i] with { Emitted = true };
    }

    /// <summary>A lock scope over <paramref name="stripes"/> ends (the caller still holds them).</summary>
    public void ExitScope(Keyspace.Keyspace keyspace, ReadOnlySpan<int> stripes) => Exit(false, stripes, keyspace);

    /// <summary>A lock scope over every stripe ends (the caller still holds them).</summary>
    public void ExitScopeAll(Keyspace.Keyspace keyspace) => Exit(true, default, keyspace);

    private void Exit(bool all, ReadOnlySpan<int> stripes, Keyspace.Keyspace keyspace)
    {
        try
        {
            SealFrame();
            if (_depth == 1) CommitPending(all, stripes, keyspace);
        }
        catch
        {
            // Effects that were applied could not be logged: the log must not go on as if they were.
            _buffer.Clear();
            _expiries.Clear();
            _observed = long.MaxValue;
            log.Log.FailWith(5);
            throw;
        }
        finally
        {
            _depth--;
        }
    }

    /// <summary>A command read state that no stripe scope covers (DBSIZE): its reply waits for everything logged so far.</summary>
    public static void ObserveAll()
    {
        var r = t_current;
        if (r is not null) r._observed = Math.Max(r._observed, r.Log.LastLsn);
    }

    /// <summary>Adds the running command's own arguments when it changed data and gave no replacement, then the PEXPIREATs.</summary>
    private void SealFrame()
    {
        if (_frames.Count > 0)
        {
            var f = _frames[^1];
            if (!f.Emitted && !f.NoDefault && f.Ctx.Stats.Dirty != f.DirtyAtStart)
            {
                var ctx = f.Ctx;
                _buffer.BeginCommand(ctx.Session.Db, ctx.ArgCount);
                for (int i = 0; i < ctx.ArgCount; i++) _buffer.Add(ctx.Arg(i));
                f.Emitted = true;
                _frames[^1] = f;
            }
        }
        foreach (var (db, key, at) in _expiries) _buffer.Add(db, "PEXPIREAT"u8.ToArray(), key, System.Text.Encoding.ASCII.GetBytes(at.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        _expiries.Clear();
    }

    /// <summary>Appends what was collected as one record and stamps the stripes; notes the LSN the reply depends on.</summary>
    private void CommitPending(bool allStripes, ReadOnlySpan<int> stripes, Keyspace.Keyspace? keyspace)
    {
        SealFrame();
        long lsn = 0;
        if (!_buffer.IsEmpty)
        {
            lsn = log.Append(_buffer);
            _buffer.Clear();
            if (lsn < 0) lsn = long.MaxValue; // not logged: never acknowledged
        }
        if (keyspace is null)
        {
            if (lsn > 0) _observed = Math.Max(_observed, lsn);
            return;
        }
        if (allStripes)
        {
            if (lsn > 0)
            {
                for (int i = 0; i < Keyspace.Keyspace.StripeCount; i++) keyspace[i].LastLsn = lsn;
            }
            _observed = Math.Max(_observed, lsn > 0 ? lsn : log.LastLsn);
            return;
        }
        foreach (int s in stripes)
        {
            var stripe = keyspace[s];
            if (lsn > 0) stripe.LastLsn = lsn;
            _observed = Math.Max(_observed, stripe.LastLsn);
        }
    }

    private record struct Frame(CommandContext Ctx, long DirtyAtStart, bool NoDefault)
    {
        public bool Emitted;
    }
}
