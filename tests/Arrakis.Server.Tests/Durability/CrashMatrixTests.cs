using Arrakis.IoBypass.Block.Simulated;
using Arrakis.IoBypass.Transport.InMemory;
using Arrakis.Server.Configuration;
using Arrakis.Server.Runtime;
using static Arrakis.Server.Tests.Durability.LoggedServer;

namespace Arrakis.Server.Tests.Durability;

/// <summary>
/// The crash matrix: a seeded workload over every type runs against a server whose simulated device
/// crashes at a seeded operation (between a write and its flush, in a multi-block write, during the
/// flush). After recovery the keyspace must equal a model's state after some prefix of the workload
/// that contains every acknowledged write.
/// </summary>
public sealed class CrashMatrixTests
{
    private static string[] Workload(Random rng, int count)
    {
        string K() => "k" + rng.Next(8);
        string V() => rng.Next(3) == 0 ? new string('x', rng.Next(1, 6000)) : "v" + rng.Next(100);
        var gens = new Func<string>[]
        {
            () => $"SET {K()} {V()}", () => $"APPEND {K()} {V()}", () => $"INCR n{rng.Next(3)}", () => $"DEL {K()}",
            () => $"RPUSH l{rng.Next(3)} {V()} {V()}", () => $"LPOP l{rng.Next(3)}", () => $"LTRIM l{rng.Next(3)} 0 {rng.Next(5)}",
            () => $"SADD s{rng.Next(2)} {rng.Next(20)} {rng.Next(20)}", () => $"SREM s{rng.Next(2)} {rng.Next(20)}",
            () => $"HSET h{rng.Next(2)} f{rng.Next(6)} {V()}", () => $"HDEL h{rng.Next(2)} f{rng.Next(6)}",
            () => $"ZADD z{rng.Next(2)} {rng.Next(100)} m{rng.Next(10)}", () => $"ZINCRBY z{rng.Next(2)} 2.5 m{rng.Next(10)}",
            () => $"EXPIREAT {K()} 4102444800", () => $"PERSIST {K()}", () => $"RENAME {K()} {K()}",
            () => $"SELECT {rng.Next(3)}", () => "MULTI", () => "EXEC", () => $"GET {K()}",
        };
        return Enumerable.Range(0, count).Select(_ => gens[rng.Next(gens.Length)]()).ToArray();
    }

    private static bool IsWriteAck(string command, string reply) =>
        !reply.StartsWith('-') && reply.Length > 0 && !command.StartsWith("GET", StringComparison.Ordinal) && !command.StartsWith("SELECT", StringComparison.Ordinal) && command != "MULTI";

    [Fact]
    public void AfterACrashAtAnyOperation_TheStateIsAPrefixHoldingEveryAcknowledgedWrite()
    {
        int crashedMidway = 0;
        for (int seed = 1; seed <= 24; seed++)
        {
            var rng = new Random(seed);
            var commands = Workload(rng, 120);
            var dev = new SimulatedNvme(64L << 20, seed: seed);
            dev.CrashAtOperation(rng.Next(1, 90));
            int lastAcked = -1, sent = 0;
            using (var s = new LoggedServer(dev))
            {
                using var c = s.Connect();
                for (; sent < commands.Length; sent++)
                {
                    string reply = Call(c, commands[sent], timeoutMs: 3000);
                    if (reply.Length == 0 || reply.StartsWith("-MISCONF", StringComparison.Ordinal) || c.ServerClosed) break;
                    if (IsWriteAck(commands[sent], reply)) lastAcked = sent;
                }
                if (!dev.IsDead) dev.Crash();
            }
            if (sent < commands.Length) crashedMidway++;
            dev.PowerOn();
            string recovered;
            using (var r = new LoggedServer(dev)) recovered = LogRecoveryServerTests.Dump(r, exactTtl: false, databases: 3);

            // The model: the same commands on a server without a log, looking for the recovered state after each.
            var network = new InMemoryNetwork();
            var model = new ArrakisServer(new ServerOptions { Threads = 1 }, _ => network.CreateSource());
            model.Start();
            try
            {
                using var m = network.Connect();
                using var probe = network.Connect();
                // Everything up to the last acknowledged write must be in; compare the states from there on.
                for (int i = 0; i <= lastAcked; i++) Call(m, commands[i]);
                int match = -1;
                for (int i = lastAcked + 1; ; i++)
                {
                    if (LogRecoveryServerTests.Dump(probe, exactTtl: false, databases: 3) == recovered) match = i;
                    if (i > sent || i >= commands.Length) break;
                    Call(m, commands[i]);
                }
                Assert.True(match >= 0, $"seed {seed}: the recovered state is no state between the last acknowledged write ({lastAcked}) and the last command sent ({sent})\n{recovered}");
            }
            finally
            {
                model.Stop();
            }
        }
        Assert.True(crashedMidway >= 16, $"only {crashedMidway} of 24 runs crashed before the workload ended");
    }
}
