using System.Text;
using Arrakis.IoBypass.Block.Simulated;
using Arrakis.Persistence.Log;

namespace Arrakis.Persistence.Tests.Log;

/// <summary>Completions that come back late and out of order (a write and its flush reaped pumps apart), crashes anywhere: still a prefix holding every durable record.</summary>
public sealed class LateCompletionTests
{
    [Fact]
    public void CompletionsOutOfOrder_AndCrashesAnywhere_KeepAPrefixWithEveryDurableRecord()
    {
        for (int seed = 0; seed < 80; seed++)
        {
            var rng = new Random(seed);
            var sim = new SimulatedNvme(4 << 20, seed: seed);
            var dev = new LaggingQueuePair(sim, seed);
            var log = new AppendLog(dev, 0, 1, FsyncPolicy.Always, bufferBytes: 16384);
            var appended = new List<string>();
            sim.CrashAtOperation(rng.Next(2, 80));
            long durable = 0;
            for (int step = 0; step < 300 && !sim.IsDead; step++)
            {
                for (int b = rng.Next(1, 4); b > 0; b--)
                {
                    int i = appended.Count, size = rng.Next(0, rng.Next(2) == 0 ? 60 : 6000);
                    var e = new EffectBuffer();
                    e.Add(0, "SET"u8.ToArray(), Encoding.ASCII.GetBytes("k" + i), Encoding.ASCII.GetBytes(new string('v', size)));
                    if (log.Append(e) < 0) break;
                    appended.Add($"k{i}:{size}");
                }
                log.Pump(step);
                if (!sim.IsDead) durable = log.DurableLsn;
            }
            if (!sim.IsDead) sim.Crash();
            sim.PowerOn();
            var records = new List<LogRecord>();
            var result = new LogReader(sim).Read(0, 1, records.Add);
            Assert.True(result.Status is LogReadStatus.Clean or LogReadStatus.TornTail, $"seed {seed}: {result.Status} {result.Message}");
            Assert.True(records.Count >= durable, $"seed {seed}: {records.Count} records back, {durable} were durable");
            var got = records.Select(r => Encoding.ASCII.GetString(r.Commands[0].Args[1]) + ":" + r.Commands[0].Args[2].Length).ToList();
            Assert.Equal(appended.Take(got.Count), got);
        }
    }
}
