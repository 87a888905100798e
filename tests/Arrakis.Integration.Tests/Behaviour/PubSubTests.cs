using System.Text;
using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Behaviour;

/// <summary>Pub/sub delivery in RESP2 and RESP3, patterns, counts, and the pub/sub output limit.</summary>
[Collection("servers")]
public sealed class PubSubTests(ServerPairFixture servers)
{
    [Fact]
    public void Messages_reach_channel_and_pattern_subscribers_in_both_protocols()
    {
        using var resp2 = new RespConnection(servers.Arrakis.Port);
        using var resp3 = new RespConnection(servers.Arrakis.Port);
        resp3.Call("HELLO", "3");
        Assert.Equal("subscribe", resp2.Call("SUBSCRIBE", "news").Items![0].Text);
        Assert.Equal("psubscribe", resp3.Call("PSUBSCRIBE", "ne*").Items![0].Text);
        using var publisher = new RespConnection(servers.Arrakis.Port);
        Assert.Equal(2, publisher.Call("PUBLISH", "news", "hello").Integer);
        var (m2, raw2) = resp2.ReadReply();
        Assert.Equal(["message", "news", "hello"], m2.Items!.Select(i => i.Text));
        Assert.StartsWith("*3\r\n", Encoding.ASCII.GetString(raw2));
        var (m3, raw3) = resp3.ReadReply();
        Assert.Equal(["pmessage", "ne*", "news", "hello"], m3.Items!.Select(i => i.Text));
        Assert.StartsWith(">4\r\n", Encoding.ASCII.GetString(raw3));
        // RESP3 interleaves pushes with normal replies; RESP2 is restricted while subscribed.
        Assert.Equal("PONG", resp3.Call("PING").Text);
        Assert.StartsWith("Can't execute 'get'", resp2.Call("GET", "x").Text.Replace("ERR ", ""));
        var numsub = publisher.Call("PUBSUB", "NUMSUB", "news");
        Assert.Equal(1, numsub.Items![1].Integer);
        Assert.Equal(1, publisher.Call("PUBSUB", "NUMPAT").Integer);
        Assert.Contains("news", publisher.Call("PUBSUB", "CHANNELS").Items!.Select(i => i.Text));
    }

    [Fact]
    public void A_subscriber_that_stops_reading_is_disconnected_at_the_pubsub_limit()
    {
        using var server = ServerProcess.StartArrakis("--client-output-buffer-limit", "pubsub 1mb 256kb 1");
        var slow = new RespConnection(server.Port);
        slow.Call("SUBSCRIBE", "firehose");
        using var publisher = new RespConnection(server.Port);
        var payload = new string('x', 10_000);
        long receivers = 1;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        for (int i = 0; receivers > 0 && DateTime.UtcNow < deadline; i++)
        {
            receivers = publisher.Call("PUBLISH", "firehose", payload).Integer;
            if (i % 100 == 0) Thread.Sleep(10);
        }
        Assert.Equal(0, receivers); // the slow subscriber was dropped; publishing goes on
        Assert.Equal("PONG", publisher.Call("PING").Text);
        slow.Dispose();
    }
}
