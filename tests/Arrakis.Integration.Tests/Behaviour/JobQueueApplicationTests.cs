using Arrakis.Integration.Tests.Infrastructure;
using StackExchange.Redis;

namespace Arrakis.Integration.Tests.Behaviour;

/// <summary>
/// An application as people write them on Redis, driven through StackExchange.Redis: a reliable
/// queue (LMOVE into a per-worker processing list, LREM when done) plus a delayed-job schedule in a
/// sorted set promoted by several workers. Every job is done exactly once.
/// </summary>
[Collection("servers")]
public sealed class JobQueueApplicationTests(ServerPairFixture servers)
{
    [Fact]
    public async Task Reliable_queue_and_delayed_jobs_process_every_job_once()
    {
        using var mux = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{servers.Arrakis.Port},abortConnect=true");
        var db = mux.GetDatabase(13);
        await db.KeyDeleteAsync(["jobs", "delayed", "done"]);
        const int immediate = 400, delayed = 100, workers = 6;
        for (int i = 0; i < immediate; i++) await db.ListLeftPushAsync("jobs", $"job:{i}");
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (int i = 0; i < delayed; i++) await db.SortedSetAddAsync("delayed", $"later:{i}", now + 200 + i);

        var tasks = Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            string processing = $"processing:{w}";
            int idle = 0;
            while (idle < 30)
            {
                // Promote due delayed jobs: ZPOPMIN is atomic, so each is promoted once.
                var due = await db.SortedSetRangeByScoreAsync("delayed", double.NegativeInfinity, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), take: 1);
                if (due.Length > 0 && await db.SortedSetRemoveAsync("delayed", due[0])) await db.ListLeftPushAsync("jobs", due[0]);
                var job = await db.ListMoveAsync("jobs", processing, ListSide.Right, ListSide.Left);
                if (job.IsNull)
                {
                    idle++;
                    await Task.Delay(20);
                    continue;
                }
                idle = 0;
                await db.HashIncrementAsync("done", job.ToString());
                await db.ListRemoveAsync(processing, job);
            }
        })).ToArray();
        await Task.WhenAll(tasks);

        var done = await db.HashGetAllAsync("done");
        Assert.Equal(immediate + delayed, done.Length);
        Assert.All(done, e => Assert.Equal(1, (long)e.Value));
        Assert.Equal(0, await db.ListLengthAsync("jobs"));
        Assert.Equal(0, await db.SortedSetLengthAsync("delayed"));
        for (int w = 0; w < workers; w++) Assert.Equal(0, await db.ListLengthAsync($"processing:{w}"));
    }
}
