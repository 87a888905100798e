using Arrakis.Server.Configuration;
using Arrakis.Server.Keyspace;
using Arrakis.Server.Runtime;
using Arrakis.Server.Testing;
using Arrakis.Server.Tests.Commands;

namespace Arrakis.Server.Tests.Keyspace;

/// <summary>
/// used_memory is our own accounting: every table keeps the sum of its object values' sizes as they are
/// stored, replaced, removed and changed in place. A seeded random workload over every type and the
/// commands that move values between keys and databases must leave each table's kept figure equal to
/// a fresh measurement after every command, and MEMORY USAGE must add up to the dataset figure.
/// </summary>
public sealed class MemoryAccountingTests
{
    private static readonly string[] Types = ["s", "l", "h", "z", "x", "t"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void KeptValueBytesEqualAFreshMeasurementAfterEveryCommand(int seed)
    {
        using var h = new CommandHarness(new ServerOptions { Threads = 1 });
        var rng = new Random(seed);
        for (int i = 0; i < 6000; i++)
        {
            var command = Next(rng);
            h.Run(command);
            foreach (var (table, db) in Tables(h.State))
            {
                long kept = table.ValueBytes, fresh = table.RecountValueBytes();
                Assert.True(kept == fresh, $"after command {i} ({string.Join(' ', command.Take(4))}), db {db}: kept {kept}, measured {fresh}");
            }
        }
        // MEMORY USAGE of every key adds up to the dataset part of used_memory, minus what a table holds
        // beyond its live records (freed record space, page slack) and its slots.
        var figures = MemoryFigures.Measure(h.State);
        long usage = 0;
        foreach (var (table, _) in Tables(h.State))
        {
            for (int slot = 0; slot < table.SlotCount; slot++)
            {
                if (table.Slot(slot).Record != 0) usage += Arrakis.Server.Commands.Admin.MemoryUsage.OfKey(table, slot) - 36 - (table.ObjectAt(slot) is null ? 0 : 8);
            }
        }
        Assert.True(usage <= figures.Dataset, $"MEMORY USAGE sum {usage} > dataset {figures.Dataset}");
        Assert.True(figures.Keys > 0);
    }

    [Fact]
    public void UsedMemoryFollowsTheKeyspace()
    {
        using var h = new CommandHarness(new ServerOptions { Threads = 1 });
        long empty = MemoryFigures.Measure(h.State).Total;
        for (int i = 0; i < 2000; i++) h.Run("RPUSH", "list", new string('v', 100));
        long filled = MemoryFigures.Measure(h.State).Total;
        Assert.InRange(filled - empty, 2000 * 100, 2000 * 100 * 3);
        Assert.StartsWith(":", h.Run("MEMORY", "USAGE", "list"));
        long usage = long.Parse(h.Run("MEMORY", "USAGE", "list")[1..].Trim());
        Assert.InRange(usage, 2000 * 100, filled - empty);
        h.Run("DEL", "list");
        Assert.Equal(0, Tables(h.State).Sum(t => t.Table.ValueBytes));
        Assert.True(MemoryFigures.Measure(h.State).Total < filled - 2000 * 100);
    }

    private static IEnumerable<(KeyTable Table, int Db)> Tables(ServerState s)
    {
        for (int i = 0; i < Arrakis.Server.Keyspace.Keyspace.StripeCount; i++)
        {
            var tables = s.Keyspace[i].Tables;
            for (int db = 0; db < tables.Length; db++)
            {
                if (tables[db] is { } t) yield return (t, db);
            }
        }
    }

    private static string[] Next(Random rng)
    {
        string type = Types[rng.Next(Types.Length)];
        string Key() => type + rng.Next(4);
        string AnyKey() => Types[rng.Next(Types.Length)] + rng.Next(4);
        string Value() => rng.Next(10) switch
        {
            0 => rng.Next(-1000, 1000).ToString(),
            1 => new string((char)('a' + rng.Next(26)), 65 + rng.Next(200)),
            _ => "v" + rng.Next(300),
        };
        string Score() => rng.Next(-50, 50).ToString();
        switch (rng.Next(14))
        {
            case 0: return ["DEL", AnyKey()];
            case 1: return ["RENAME", AnyKey(), AnyKey()];
            case 2: return ["COPY", AnyKey(), AnyKey(), "DB", rng.Next(2).ToString(), "REPLACE"];
            case 3: return ["MOVE", AnyKey(), "1"];
            case 4: return rng.Next(20) == 0 ? ["SWAPDB", "0", "1"] : ["SELECT", "0"];
        }
        return type switch
        {
            "s" => rng.Next(6) switch
            {
                0 => ["APPEND", Key(), Value()],
                1 => ["SETRANGE", Key(), rng.Next(300).ToString(), Value()],
                2 => ["INCRBY", Key(), "3"],
                3 => ["SETBIT", Key(), rng.Next(4000).ToString(), "1"],
                4 => ["GETDEL", Key()],
                _ => ["SET", Key(), Value()],
            },
            "l" => rng.Next(9) switch
            {
                0 => ["LPOP", Key(), rng.Next(1, 5).ToString()],
                1 => ["RPOP", Key()],
                2 => ["LSET", Key(), rng.Next(-5, 5).ToString(), Value()],
                3 => ["LINSERT", Key(), "BEFORE", "v" + rng.Next(300), Value()],
                4 => ["LREM", Key(), "0", "v" + rng.Next(300)],
                5 => ["LTRIM", Key(), rng.Next(5).ToString(), rng.Next(-5, 200).ToString()],
                6 => ["LMOVE", Key(), Key(), "LEFT", "RIGHT"],
                _ => ["RPUSH", Key(), Value(), Value(), Value(), Value()],
            },
            "h" => rng.Next(6) switch
            {
                0 => ["HDEL", Key(), "f" + rng.Next(40)],
                1 => ["HINCRBY", Key(), "n" + rng.Next(5), "7"],
                2 => ["HINCRBYFLOAT", Key(), "d" + rng.Next(5), "1.5"],
                3 => ["HSETNX", Key(), "f" + rng.Next(40), Value()],
                _ => ["HSET", Key(), "f" + rng.Next(40), Value(), "f" + rng.Next(600), Value()],
            },
            "z" => rng.Next(7) switch
            {
                0 => ["ZREM", Key(), "m" + rng.Next(200)],
                1 => ["ZINCRBY", Key(), "2", "m" + rng.Next(200)],
                2 => ["ZPOPMIN", Key(), rng.Next(1, 4).ToString()],
                3 => ["ZREMRANGEBYRANK", Key(), "0", rng.Next(3).ToString()],
                4 => ["ZUNIONSTORE", Key(), "2", Key(), Key()],
                5 => ["ZRANGESTORE", Key(), Key(), "0", rng.Next(-1, 50).ToString()],
                _ => ["ZADD", Key(), Score(), "m" + rng.Next(200), Score(), rng.Next(8) == 0 ? new string('m', 70) + rng.Next(9) : "m" + rng.Next(200)],
            },
            "t" => rng.Next(7) switch
            {
                0 => ["SREM", Key(), Value()],
                1 => ["SPOP", Key()],
                2 => ["SMOVE", Key(), Key(), "v" + rng.Next(300)],
                3 => ["SINTERSTORE", Key(), Key(), Key()],
                4 => ["SUNIONSTORE", Key(), Key(), Key()],
                5 => ["SADD", Key(), rng.Next(1000).ToString(), rng.Next(1000).ToString()],
                _ => ["SADD", Key(), Value(), Value()],
            },
            _ => rng.Next(9) switch
            {
                0 => ["XDEL", Key(), "0-" + rng.Next(1, 400)],
                1 => ["XTRIM", Key(), "MAXLEN", rng.Next(0, 300).ToString()],
                2 => ["XGROUP", "CREATE", Key(), "g" + rng.Next(2), "0", "MKSTREAM"],
                3 => ["XREADGROUP", "GROUP", "g" + rng.Next(2), "c" + rng.Next(3), "COUNT", "5", "STREAMS", Key(), ">"],
                4 => ["XACK", Key(), "g" + rng.Next(2), "0-" + rng.Next(1, 400)],
                5 => ["XAUTOCLAIM", Key(), "g" + rng.Next(2), "c" + rng.Next(3), "0", "0-0", "COUNT", "3"],
                6 => ["XGROUP", "DELCONSUMER", Key(), "g" + rng.Next(2), "c" + rng.Next(3)],
                _ => ["XADD", Key(), "*", "f", Value(), "g", Value()],
            },
        };
    }
}
