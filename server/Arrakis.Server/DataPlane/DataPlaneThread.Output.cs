using Arrakis.IoBypass.Transport;
using Arrakis.Server.Commands;
using Arrakis.Server.Runtime;
using Arrakis.Server.Sessions;
using Microsoft.Extensions.Logging;

namespace Arrakis.Server.DataPlane;

/// <summary>The output side of a data-plane thread: sending replies within the client's limits, and
/// holding replies until the log is durable past what they depend on (appendfsync always).</summary>
internal sealed partial class DataPlaneThread
{
    /// <summary>Holds <paramref name="ctx"/>'s reply that starts at output position <paramref name="position"/> (and all after it) until <paramref name="lsn"/> is durable.</summary>
    public void HoldReply(CommandContext ctx, long position, long lsn)
    {
        var s = ctx.Session;
        var holds = s.HeldReplies ??= new Queue<(long, long)>();
        if (holds.Count == 0) _held.Add(ctx);
        holds.Enqueue((position, lsn));
        _holdsReplies = true;
        Stats.HeldReplies++;
    }

    private void CheckOutputLimits(CommandContext ctx)
    {
        var s = ctx.Session;
        var o = _server.Options;
        bool pubsub = s.SubscriptionCount > 0;
        long hard = s.IsMonitor ? 0 : pubsub ? o.PubSubHardLimit : o.OutputHardLimit;
        long soft = s.IsMonitor ? 0 : pubsub ? o.PubSubSoftLimit : o.OutputSoftLimit;
        int softSeconds = pubsub ? o.PubSubSoftSeconds : o.OutputSoftSeconds;
        int pending = s.Output.Pending;
        if (hard > 0 && pending >= hard)
        {
            OverLimit(ctx);
            return;
        }
        if (soft > 0 && pending >= soft)
        {
            long now = ServerClock.MonotonicMs;
            if (s.SoftLimitSinceMs < 0) s.SoftLimitSinceMs = now;
            else if (now - s.SoftLimitSinceMs >= softSeconds * 1000L) OverLimit(ctx);
        }
        else
        {
            s.SoftLimitSinceMs = -1;
        }
    }

    private void OverLimit(CommandContext ctx)
    {
        _log.LogWarning("Client id={Id} addr={Addr} closed for overcoming of output buffer limits.", ctx.Session.Id, ctx.Session.Remote);
        ctx.Session.Output.Clear();
        Close(ctx, reason: "output buffer limit");
    }

    /// <summary>Sends pending replies; arms write interest when the socket is full; closes after QUIT.</summary>
    private void Flush(CommandContext ctx)
    {
        var s = ctx.Session;
        if (s.Closed) return;
        int sendable = Sendable(s);
        bool full = false;
        if (sendable > 0) Stats.WritesProcessed++;
        while (sendable > 0)
        {
            int n = _source.Send(s.Connection, s.Output.PendingSpan[..sendable]);
            if (n == -Errno.EAGAIN)
            {
                full = true;
                break;
            }
            if (n < 0)
            {
                Close(ctx, reason: null);
                return;
            }
            s.Output.Consume(n);
            Stats.NetOutputBytes += n;
            sendable -= n;
        }
        if (s.CloseAfterReply && s.Output.Pending == 0)
        {
            Close(ctx, reason: null);
            return;
        }
        _source.SetInterest(s.Connection, readable: !s.ReadPaused && !s.CloseAfterReply, writable: full);
    }

    /// <summary>Pending bytes that may go now: all of them, or those before the first reply still waiting for the log.</summary>
    private int Sendable(ClientSession s)
    {
        int pending = s.Output.Pending;
        if (s.HeldReplies is not { Count: > 0 } holds) return pending;
        long durable = _server.Durable?.DurableLsn ?? long.MaxValue;
        while (holds.Count > 0 && holds.Peek().Lsn <= durable) holds.Dequeue();
        if (holds.Count == 0) return pending;
        return (int)Math.Clamp(holds.Peek().Position - s.Output.SentPosition, 0, pending);
    }

    /// <summary>Sends the replies that became durable; a log that failed for good closes the clients it still owes (never acknowledged).</summary>
    private void ReleaseHeld()
    {
        var durable = _server.Durable!;
        for (int i = _held.Count - 1; i >= 0; i--)
        {
            var ctx = _held[i];
            var s = ctx.Session;
            if (!s.Closed) Pump(ctx);
            if (s.Closed || s.HeldReplies is not { Count: > 0 })
            {
                _held.RemoveAt(i);
                continue;
            }
            if (durable.FailedErrno != 0 && s.HeldReplies.Peek().Lsn > durable.DurableLsn)
            {
                _log.LogError("Closing client id={Id} addr={Addr}: the log failed ({Error}) before its write was durable; the write is not acknowledged",
                    s.Id, s.Remote, Arrakis.IoBypass.Block.BlockErrno.Describe(durable.FailedErrno));
                s.Output.Clear();
                Close(ctx, reason: "log failed");
                _held.RemoveAt(i);
            }
        }
        _holdsReplies = _held.Count > 0;
    }
}
