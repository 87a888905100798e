using System.Text;
using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Persistence;

/// <summary>
/// BGSAVE and BGREWRITEAOF when they cannot start at once, compared as transcripts with redis-server
/// 7.0 (appendonly yes on both): inside EXEC both are scheduled (a snapshot there would hold part of
/// the transaction), and while a BGSAVE runs a second BGSAVE is refused, BGSAVE SCHEDULE too, and
/// BGREWRITEAOF is scheduled; INFO says so (aof_rewrite_scheduled), and the cron runs what was
/// scheduled once the snapshot slot is free.
/// </summary>
[Collection("servers")]
public sealed class BackgroundSchedulingDifferentialTests : IDisposable
{
    private readonly string _ours = Directory.CreateTempSubdirectory("arrakis-sched-ours-").FullName;
    private readonly string _theirs = Directory.CreateTempSubdirectory("arrakis-sched-redis-").FullName;

    private static readonly string[] Fields = ["rdb_bgsave_in_progress", "aof_rewrite_in_progress", "aof_rewrite_scheduled"];

    private static string Persistence(string info) =>
        string.Join(' ', info.Split("\r\n").Where(l => Fields.Any(f => l.StartsWith(f + ":", StringComparison.Ordinal))));

    private static void WaitIdle(RespConnection c, List<string> log)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string state;
        while ((state = Persistence(c.Call("INFO", "persistence").Text)) != "rdb_bgsave_in_progress:0 aof_rewrite_in_progress:0 aof_rewrite_scheduled:0"
               && DateTime.UtcNow < deadline)
            Thread.Sleep(50);
        log.Add("idle -> " + state);
        var info = c.Call("INFO", "persistence").Text;
        log.Add("status -> " + string.Join(' ', info.Split("\r\n").Where(l => l.StartsWith("rdb_last_bgsave_status:", StringComparison.Ordinal) || l.StartsWith("aof_last_bgrewrite_status:", StringComparison.Ordinal))));
    }

    private static List<string> Transcript(ServerProcess server)
    {
        var log = new List<string>();
        using var c = new RespConnection(server.Port);
        void Do(params string[] args) => log.Add($"{string.Join(' ', args)} -> {c.Call(args)}");

        Do("MULTI");
        Do("SET", "b", "2");
        Do("BGSAVE");
        Do("BGREWRITEAOF");
        Do("INFO", "persistence");
        var exec = c.Call("EXEC");
        log.Add($"EXEC -> {exec.Items![0]} | {exec.Items[1]} | {exec.Items[2]} | {Persistence(exec.Items[3].Text)}");
        WaitIdle(c, log);

        // Enough keys that the BGSAVE is still running when the pipelined commands behind it arrive.
        for (int batch = 0; batch < 20; batch++)
            c.Call(["MSET", .. Enumerable.Range(batch * 10_000, 10_000).SelectMany(i => new[] { "key:" + i, "value-" + i })]);
        c.SendRaw(Encoding.ASCII.GetBytes("BGSAVE\r\nBGSAVE\r\nBGSAVE SCHEDULE\r\nBGREWRITEAOF\r\nINFO persistence\r\n"));
        foreach (var command in new[] { "BGSAVE", "BGSAVE", "BGSAVE SCHEDULE", "BGREWRITEAOF" }) log.Add($"{command} -> {c.ReadReply().Value}");
        log.Add("INFO -> " + Persistence(c.ReadReply().Value.Text));
        WaitIdle(c, log);
        Do("DBSIZE");
        return log;
    }

    [Fact]
    public void Bgsave_and_bgrewriteaof_are_scheduled_inside_exec_and_while_a_save_runs_as_redis_does()
    {
        List<string> redis, ours;
        using (var r = ServerProcess.StartRedis("--appendonly", "yes", "--dir", _theirs)) redis = Transcript(r);
        using (var a = ServerProcess.StartArrakis("--appendonly", "yes", "--dir", _ours)) ours = Transcript(a);
        Assert.True(redis.SequenceEqual(ours), $"redis:\n  {string.Join("\n  ", redis)}\narrakis:\n  {string.Join("\n  ", ours)}");
        Assert.True(File.Exists(Path.Combine(_ours, "dump.rdb")), "the scheduled BGSAVE wrote no dump.rdb");
    }

    public void Dispose()
    {
        foreach (var d in new[] { _ours, _theirs })
        {
            try
            {
                Directory.Delete(d, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
