using Arrakis.IoBypass.Block.Simulated;
using static Arrakis.Server.Tests.Durability.LoggedServer;

namespace Arrakis.Server.Tests.Durability;

/// <summary>
/// Seeded random workloads over every family's write commands (including the random, relative and
/// blocking ones) against a logged server; a restart from the log must give back exactly the same
/// keyspace (values, encodings' contents and absolute expiries). A write that changes data without
/// being logged, or an effect that replays differently, shows up here.
/// </summary>
public sealed class ReplayFuzzTests
{
    private static string[] Commands(Random rng, int count)
    {
        string K() => "k" + rng.Next(10);
        string L() => "l" + rng.Next(4);
        string S() => "s" + rng.Next(4);
        string H() => "h" + rng.Next(4);
        string Z() => "z" + rng.Next(4);
        string M() => "m" + rng.Next(30);
        string N() => rng.Next(-50, 50).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string V() => rng.Next(4) switch { 0 => N(), 1 => "v" + rng.Next(100), 2 => new string('x', rng.Next(1, 100)), _ => "" };
        string F() => (rng.Next(-100, 100) / 4.0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var gens = new Func<string>[]
        {
            () => $"SET {K()} {V()}", () => $"SET {K()} {V()} EX {rng.Next(100, 1000)}", () => $"SET {K()} {V()} PX 5 NX", () => $"SET {K()} {V()} KEEPTTL GET",
            () => $"SETEX {K()} {rng.Next(100, 999)} {V()}", () => $"PSETEX {K()} 3 {V()}", () => $"GETEX {K()} EX {rng.Next(100, 900)}", () => $"GETEX {K()} PERSIST",
            () => $"GETDEL {K()}", () => $"APPEND {K()} {V()}", () => $"INCR {K()}", () => $"INCRBYFLOAT {K()} {F()}", () => $"SETRANGE {K()} {rng.Next(0, 20)} {V()}",
            () => $"SETBIT {K()} {rng.Next(0, 100)} {rng.Next(2)}", () => $"BITOP OR {K()} {K()} {K()}", () => $"MSET {K()} {V()} {K()} {V()}",
            () => $"EXPIRE {K()} {(rng.Next(2) == 0 ? rng.Next(-5, 1) : rng.Next(100, 1000))}", () => $"PEXPIRE {K()} {rng.Next(1, 10)}", () => $"EXPIREAT {K()} {rng.Next(1, 4) * 2000000000L}",
            () => $"PERSIST {K()}", () => $"DEL {K()} {L()}", () => $"RENAME {K()} {K()}", () => $"COPY {L()} {L()} REPLACE", () => $"MOVE {K()} {rng.Next(1, 3)}",
            () => $"RPUSH {L()} {V()} {V()}", () => $"LPUSH {L()} {V()}", () => $"LPOP {L()}", () => $"RPOP {L()} 2", () => $"LMOVE {L()} {L()} LEFT RIGHT",
            () => $"LTRIM {L()} 1 -2", () => $"LINSERT {L()} BEFORE {V()} {V()}", () => $"LREM {L()} 0 {V()}", () => $"LSET {L()} 0 {V()}",
            () => $"BLPOP {L()} {L()} 0.01", () => $"BLMPOP 0.01 2 {L()} {L()} RIGHT COUNT 2", () => $"BRPOPLPUSH {L()} {L()} 0.01",
            () => $"SADD {S()} {M()} {N()}", () => $"SREM {S()} {M()}", () => $"SPOP {S()}", () => $"SPOP {S()} 3", () => $"SMOVE {S()} {S()} {M()}",
            () => $"SINTERSTORE {S()} {S()} {S()}", () => $"SUNIONSTORE {S()} {S()} {S()}", () => $"SDIFFSTORE {S()} {S()} {S()}",
            () => $"HSET {H()} {M()} {V()}", () => $"HDEL {H()} {M()}", () => $"HINCRBY {H()} {M()} 3", () => $"HINCRBYFLOAT {H()} {M()} {F()}", () => $"HSETNX {H()} {M()} {V()}",
            () => $"ZADD {Z()} {F()} {M()}", () => $"ZADD {Z()} GT CH {F()} {M()}", () => $"ZINCRBY {Z()} {F()} {M()}", () => $"ZREM {Z()} {M()}", () => $"ZPOPMIN {Z()}",
            () => $"ZPOPMAX {Z()} 2", () => $"BZPOPMIN {Z()} 0.01", () => $"BZMPOP 0.01 1 {Z()} MAX COUNT 2", () => $"ZUNIONSTORE {Z()} 2 {Z()} {Z()}",
            () => $"ZREMRANGEBYRANK {Z()} 0 1", () => $"ZRANGESTORE {Z()} {Z()} 0 -1", () => $"PFADD hll{rng.Next(2)} {M()} {M()}", () => $"PFMERGE hll0 hll1",
            () => "MULTI", () => "EXEC", () => $"SELECT {rng.Next(3)}", () => $"SWAPDB 0 {rng.Next(1, 3)}", () => rng.Next(40) == 0 ? "FLUSHDB" : "PING",
            () => $"RESTORE r{rng.Next(3)} 0 {Dumped(rng)} REPLACE",
        };
        return Enumerable.Range(0, count).Select(_ => gens[rng.Next(gens.Length)]()).ToArray();
    }

    /// <summary>A valid DUMP payload (of the string "v") as inline-safe text is not possible; RESTORE of a bad payload must log nothing.</summary>
    private static string Dumped(Random rng) => rng.Next(2) == 0 ? "garbage" : "\"\"";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ARandomWorkload_ReplaysToTheSameKeyspace(int seed)
    {
        var dev = new SimulatedNvme(64L << 20, seed: seed);
        var commands = Commands(new Random(seed), 1500);
        string before;
        using (var s = new LoggedServer(dev))
        {
            using var c = s.Connect();
            foreach (var cmd in commands) Call(c, cmd);
            Call(c, "EXEC"); // close a transaction left open
            Thread.Sleep(15); // let PX 5 / PEXPIRE keys expire: the reads below expire them and log the DELs
            before = LogRecoveryServerTests.Dump(c, exactTtl: true, databases: 3);
        }
        using var again = new LoggedServer(dev);
        using var c2 = again.Connect();
        Assert.Equal(before, LogRecoveryServerTests.Dump(c2, exactTtl: true, databases: 3));
    }
}
