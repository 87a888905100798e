using Arrakis.Integration.Tests.Infrastructure;
using Arrakis.Protocol;

namespace Arrakis.Integration.Tests.Behaviour;

/// <summary>
/// An event pipeline as applications build it on streams: a producer appends events, three consumers
/// of one group read with blocking XREADGROUP and acknowledge, one consumer crashes holding events
/// it read but never acknowledged, and the survivors recover them with XAUTOCLAIM. Every event is
/// acknowledged exactly once and the group ends with nothing pending.
/// </summary>
public sealed class StreamConsumerGroupApplicationTests
{
    [Fact]
    public void Consumers_recover_a_crashed_consumers_events_with_xautoclaim()
    {
        using var server = ServerProcess.StartArrakis("--threads", "2");
        using var admin = new RespConnection(server.Port);
        Assert.Equal("OK", admin.Call("XGROUP", "CREATE", "events", "workers", "$", "MKSTREAM").Text);
        const int total = 600;
        var acked = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var crashedHeld = new List<string>();
        using var produced = new CountdownEvent(1);

        // The consumer that crashes: reads a batch, "processes" nothing, never acknowledges, disconnects.
        using (var doomed = new RespConnection(server.Port))
        {
            admin.Call("XADD", "events", "*", "n", "first");
            var batch = doomed.Call("XREADGROUP", "GROUP", "workers", "doomed", "COUNT", "1", "STREAMS", "events", ">");
            crashedHeld.AddRange(Entries(batch).Select(e => e.Id));
        }
        Assert.Single(crashedHeld);

        var producer = new Thread(() =>
        {
            using var c = new RespConnection(server.Port);
            for (int i = 0; i < total - 1; i++) c.Call("XADD", "events", "MAXLEN", "~", "100000", "*", "n", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            produced.Signal();
        });
        bool Done() => acked.Count >= total;
        var consumers = new[] { "alice", "bob" }.Select(name => new Thread(() =>
        {
            using var c = new RespConnection(server.Port, timeoutMs: 30000);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            string cursor = "0-0";
            while (!Done() && DateTime.UtcNow < deadline)
            {
                var reply = c.Call("XREADGROUP", "GROUP", "workers", name, "COUNT", "20", "BLOCK", "100", "STREAMS", "events", ">");
                foreach (var (id, _) in Entries(reply)) Ack(c, id);
                // Events someone read and did not acknowledge for 300 ms belong to whoever claims them.
                var claimed = c.Call("XAUTOCLAIM", "events", "workers", name, "300", cursor, "COUNT", "50");
                cursor = claimed.Items![0].Text;
                foreach (var (id, _) in Entries(claimed.Items[1])) Ack(c, id);
            }
        })).ToList();
        void Ack(RespConnection c, string id)
        {
            Assert.Equal(1, c.Call("XACK", "events", "workers", id).Integer);
            acked.AddOrUpdate(id, 1, (_, n) => n + 1);
        }

        producer.Start();
        consumers.ForEach(t => t.Start());
        producer.Join();
        consumers.ForEach(t => t.Join());

        Assert.Equal(total, acked.Count);
        Assert.All(acked, e => Assert.Equal(1, e.Value));
        Assert.Contains(crashedHeld[0], acked.Keys);
        var summary = admin.Call("XPENDING", "events", "workers");
        Assert.Equal(0, summary.Items![0].Integer);
        var groups = admin.Call("XINFO", "GROUPS", "events");
        var fields = groups.Items![0].Items!;
        Assert.Equal("0", Field(fields, "lag"));
        Assert.Equal(total.ToString(System.Globalization.CultureInfo.InvariantCulture), Field(fields, "entries-read"));
    }

    private static string Field(RespValue[] fields, string name)
    {
        for (int i = 0; i + 1 < fields.Length; i += 2)
        {
            if (fields[i].Text == name) return fields[i + 1].Text;
        }
        throw new InvalidOperationException(name + " missing");
    }

    /// <summary>The entries of an XREADGROUP reply (or of XAUTOCLAIM's entry list): (id, fields).</summary>
    private static IEnumerable<(string Id, RespValue Fields)> Entries(RespValue reply)
    {
        if (reply.Items is null) yield break;
        // XREADGROUP: [[stream, [[id, fields]...]]]; XAUTOCLAIM's second element: [[id, fields]...]
        var entries = reply.Items.Length > 0 && reply.Items[0].Items is { Length: 2 } first && first[1].Items is { } inner && first[0].Type == RespType.BulkString && inner.All(x => x.Items is not null)
            ? inner
            : reply.Items;
        foreach (var e in entries)
        {
            if (e.Items is { Length: 2 } pair && pair[0].Type == RespType.BulkString) yield return (pair[0].Text, pair[1]);
        }
    }
}
