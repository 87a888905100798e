using Arrakis.IoBypass.Block.Simulated;
using Arrakis.Persistence.Log;
using static Arrakis.Server.Tests.Durability.LoggedServer;

namespace Arrakis.Server.Tests.Durability;

/// <summary>Streams written with the log on come back equal after a restart (XINFO STREAM FULL of every
/// stream, seen-times masked): generated IDs, approximate trims, group reads, claims and blocked reads
/// are logged as the deterministic commands that reproduce them.</summary>
public sealed class StreamLogReplayTests
{
    [Fact]
    public void Streams_and_their_groups_replay_to_the_same_state()
    {
        var dev = new SimulatedNvme(64L << 20, seed: 11);
        string before;
        using (var s = new LoggedServer(dev))
        {
            using var c = s.Connect();
            var rng = new Random(5);
            Call(c, "XGROUP CREATE s g 0 MKSTREAM");
            Call(c, "XGROUP CREATE s h $ ENTRIESREAD 0");
            for (int i = 0; i < 700; i++)
            {
                string reply = Call(c, rng.Next(10) switch
                {
                    0 => $"XADD s MAXLEN ~ {rng.Next(100, 400)} * f {i} g {new string('x', rng.Next(1, 200))}",
                    1 => $"XADD s MINID ~ 0-{rng.Next(5)} * other {i}",
                    _ => $"XADD s * f {i} g v{i}",
                });
                Assert.False(reply.StartsWith('-'), reply);
            }
            var ids = Call(c, "XRANGE s - +").Split("\r\n").Where(l => l.Contains('-') && char.IsDigit(l[0])).ToList();
            foreach (var cmd in new[]
            {
                $"XDEL s {ids[3]} {ids[10]} {ids[^1]}", "XTRIM s MAXLEN ~ 250 LIMIT 100", $"XTRIM s MINID {ids[ids.Count / 4]}",
                "XREADGROUP GROUP g alice COUNT 5 STREAMS s >", "XREADGROUP GROUP g bob COUNT 3 STREAMS s >",
                "XREADGROUP GROUP g alice STREAMS s 0", "XREADGROUP GROUP h carol NOACK COUNT 4 STREAMS s >",
                $"XACK s g {ids[ids.Count / 3]}", "XCLAIM s g dave 0 " + ids[^5] + " FORCE", "XAUTOCLAIM s g erin 0 0 COUNT 3",
                "XGROUP CREATECONSUMER s g frank", "XGROUP DELCONSUMER s g bob", $"XGROUP SETID s h {ids[ids.Count / 2]} ENTRIESREAD 123",
                "XADD t 5-1 a 1", "XADD t 5-* a 2", "XSETID t 9-0 ENTRIESADDED 10 MAXDELETEDID 5-5", "XGROUP CREATE t g $",
                "XCLAIM s g dave 0 " + ids[^4] + " FORCE LASTID 99999999999999-0",
            })
            {
                string reply = Call(c, cmd);
                Assert.False(reply.StartsWith('-'), cmd + " -> " + reply);
            }
            // A blocked group read served by a later XADD is logged as what it did.
            using var waiter = s.Connect();
            waiter.Write("XREADGROUP GROUP g ghost BLOCK 0 STREAMS t >\r\n"u8.ToArray());
            Thread.Sleep(200);
            Call(c, "XADD t 20-0 z 1");
            Assert.Contains("20-0", ReadReply(waiter, 5000));
            before = LogRecoveryServerTests.Dump(s);
        }
        Assert.Contains("+stream", before);
        using var again = new LoggedServer(dev);
        Assert.Equal(LogReadStatus.Clean, again.Recovery.Status);
        Assert.Equal(before, LogRecoveryServerTests.Dump(again));
    }
}
