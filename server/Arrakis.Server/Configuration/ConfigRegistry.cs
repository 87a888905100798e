using System.Globalization;
using System.Text;
using Arrakis.Server.Text;

namespace Arrakis.Server.Configuration;

/// <summary>
/// Every parameter of Redis 7.0's CONFIG GET (plus Arrakis's own), for CONFIG GET/SET and for
/// redis.conf / command-line directives. The ones built below change behaviour or report what the
/// server really does (save "", appendonly no: no snapshot or log yet). The others come from
/// Metadata/redis-7.0-config.tsv: they have no effect here, answer Redis's default, accept only
/// that value in CONFIG SET, and are listed in docs/compatibility.md.
/// </summary>
internal static class ConfigRegistry
{
    public static readonly ConfigParameter[] All = Build();

    private static ConfigParameter[] Build()
    {
        var list = new List<ConfigParameter>
        {
            Immutable("dir", o => o.Dir, (o, v) => { o.Dir = Path.GetFullPath(v); return null; }, "protected"),
            Fixed("daemonize", "no", "immutable"),
            Fixed("logfile", "", "immutable"),
            Fixed("pidfile", "", "immutable"),
            Fixed("enable-debug-command", "yes", "immutable"),
            Fixed("protected-mode", "no"),
            Immutable("port", o => o.Port.ToString(CultureInfo.InvariantCulture), (o, v) => Int(v, 0, 65535, x => o.Port = (int)x)),
            Immutable("bind", o => string.Join(' ', o.Bind), (o, v) => { o.Bind = v.Split(' ', StringSplitOptions.RemoveEmptyEntries); return null; }),
            Immutable("tcp-backlog", o => o.TcpBacklog.ToString(CultureInfo.InvariantCulture), (o, v) => Int(v, 0, int.MaxValue, x => o.TcpBacklog = (int)x), "immutable"),
            Immutable("databases", o => o.Databases.ToString(CultureInfo.InvariantCulture), (o, v) => Int(v, 1, int.MaxValue, x => o.Databases = (int)x), "immutable"),
            Immutable("arrakis-threads", o => o.Threads.ToString(CultureInfo.InvariantCulture), (o, v) => Int(v, 1, 256, x => o.Threads = (int)x)),
            Immutable("arrakis-network", o => o.Network, (o, v) => v.ToLowerInvariant() is "kernel" or "epoll" or "xdp" or "auto" ? Set(() => o.Network = v.ToLowerInvariant() == "epoll" ? "kernel" : v.ToLowerInvariant()) : "argument must be one of the following: kernel, xdp, auto"),
            Immutable("arrakis-net-if", o => o.NetInterface, (o, v) => { o.NetInterface = v; return null; }),
            Immutable("arrakis-net-ip", o => o.NetAddress, (o, v) => v.Length == 0 || (System.Net.IPAddress.TryParse(v, out var a) && a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ? Set(() => o.NetAddress = v) : "an IPv4 address is needed"),
            Immutable("arrakis-net-mode", o => o.NetMode, (o, v) => v.ToLowerInvariant() is "shared" or "dedicated" ? Set(() => o.NetMode = v.ToLowerInvariant()) : "argument must be one of the following: shared, dedicated"),
            Immutable("arrakis-net-queues", o => o.NetQueues.ToString(CultureInfo.InvariantCulture), (o, v) => Int(v, 0, 64, x => o.NetQueues = (int)x)),
            new("save", o => string.Join(' ', o.SavePoints.Select(p => $"{p.Seconds} {p.Changes}")), (o, v) => SetSavePoints(o, v, adding: false))
            {
                // As redis.conf is read, several `save` lines add up; `save ""` clears (Redis 7.0's setConfigSaveOption).
                StartupSet = (o, v) => SetSavePoints(o, v, adding: true),
            },
            Immutable("appendonly", o => o.AppendOnly ? "yes" : "no", (o, v) => Bool(v, x => o.AppendOnly = x), "switching the log on or off at runtime needs a base snapshot (not built yet): restart with --appendonly"),
            Mutable("appendfsync", o => o.AppendFsync switch { Arrakis.Persistence.Log.FsyncPolicy.Always => "always", Arrakis.Persistence.Log.FsyncPolicy.No => "no", _ => "everysec" }, SetFsync),
            Immutable("dbfilename", o => o.DbFilename, (o, v) => SafeName(v, x => o.DbFilename = x), "protected"),
            Immutable("appendfilename", o => o.AppendFilename, (o, v) => SafeName(v, x => o.AppendFilename = x), "immutable"),
            Immutable("appenddirname", o => o.AppendDirname, (o, v) => SafeName(v, x => o.AppendDirname = x), "immutable"),
            Immutable("aof-device", o => o.AofDevice, (o, v) => { o.AofDevice = v; return null; }, "immutable"),
            Immutable("server_cpulist", o => o.ServerCpuList, (o, v) => { o.ServerCpuList = v; return null; }, "immutable"),
            Immutable("bgsave_cpulist", o => o.BgsaveCpuList, (o, v) => { o.BgsaveCpuList = v; return null; }, "immutable"),
            Immutable("aof_rewrite_cpulist", o => o.AofRewriteCpuList, (o, v) => { o.AofRewriteCpuList = v; return null; }, "immutable"),
            Immutable("aof-io", o => o.AofIo, (o, v) => v is "uring" or "sync" or "auto" ? Set(() => o.AofIo = v) : "argument must be one of the following: uring, sync, auto", "immutable"),
            Immutable("aof-sqpoll", o => o.AofSqPoll ? "yes" : "no", (o, v) => Bool(v, x => o.AofSqPoll = x), "immutable"),
            Immutable("aof-log-size", o => o.AofLogSize.ToString(CultureInfo.InvariantCulture), (o, v) => Memory(v, 1L << 20, long.MaxValue, x => o.AofLogSize = (x + 4095) / 4096 * 4096), "immutable"),
            Mutable("auto-aof-rewrite-percentage", o => o.AutoAofRewritePercentage.ToString(CultureInfo.InvariantCulture), (o, v) => Int(v, 0, int.MaxValue, x => o.AutoAofRewritePercentage = (int)x)),
            Mutable("auto-aof-rewrite-min-size", o => o.AutoAofRewriteMinSize.ToString(CultureInfo.InvariantCulture), (o, v) => Memory(v, 0, long.MaxValue, x => o.AutoAofRewriteMinSize = x)),
            Mutable("aof-load-truncated", o => o.AofLoadTruncated ? "yes" : "no", (o, v) => Bool(v, x => o.AofLoadTruncated = x)),
            Mutable("aof-load-corrupt", o => o.AofLoadCorrupt ? "yes" : "no", (o, v) => Bool(v, x => o.AofLoadCorrupt = x)),
            Immutable("maxmemory", _ => "0", (_, v) => v == "0" ? null : "eviction is not supported"),
            Immutable("maxmemory-policy", _ => "noeviction", (_, v) => v == "noeviction" ? null : "eviction is not supported"),
            Mutable("requirepass", o => o.RequirePass, (o, v) => { o.RequirePass = v; return null; }),
            Mutable("maxclients", o => o.MaxClients.ToString(CultureInfo.InvariantCulture), (o, v) => Int(v, 1, int.MaxValue, x => o.MaxClients = (int)x)),
            Mutable("timeout", o => o.Timeout.ToString(CultureInfo.InvariantCulture), (o, v) => Int(v, 0, int.MaxValue, x => o.Timeout = (int)x)),
            Mutable("hz", o => o.Hz.ToString(CultureInfo.InvariantCulture), (o, v) => Int(v, 0, int.MaxValue, x => o.Hz = (int)Math.Clamp(x, 1, 500))),
            Mutable("proto-max-bulk-len", o => o.ProtoMaxBulkLen.ToString(CultureInfo.InvariantCulture), (o, v) => Memory(v, 1024 * 1024, long.MaxValue, x => o.ProtoMaxBulkLen = x)),
            Mutable("client-query-buffer-limit", o => o.ClientQueryBufferLimit.ToString(CultureInfo.InvariantCulture), (o, v) => Memory(v, 1024 * 1024, long.MaxValue, x => o.ClientQueryBufferLimit = x)),
            Mutable("client-output-buffer-limit", FormatOutputLimits, SetOutputLimits),
            Mutable("slowlog-log-slower-than", o => o.SlowlogLogSlowerThan.ToString(CultureInfo.InvariantCulture), (o, v) => Int(v, -1, long.MaxValue, x => o.SlowlogLogSlowerThan = x)),
            Mutable("busy-reply-threshold", o => o.BusyReplyThresholdMs.ToString(CultureInfo.InvariantCulture), (o, v) => Int(v, 0, long.MaxValue, x => o.BusyReplyThresholdMs = x)),
            Mutable("lua-time-limit", o => o.BusyReplyThresholdMs.ToString(CultureInfo.InvariantCulture), (o, v) => Int(v, 0, long.MaxValue, x => o.BusyReplyThresholdMs = x)),
            Mutable("slowlog-max-len", o => o.SlowlogMaxLen.ToString(CultureInfo.InvariantCulture), (o, v) => Int(v, 0, long.MaxValue, x => o.SlowlogMaxLen = (int)Math.Min(x, int.MaxValue))),
            Mutable("notify-keyspace-events", o => Commands.PubSub.KeyspaceEvents.TryParse(o.NotifyKeyspaceEvents, out var f) ? Commands.PubSub.KeyspaceEvents.Format(f) : "", (o, v) =>
            {
                if (!Commands.PubSub.KeyspaceEvents.TryParse(v, out _)) return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
                o.NotifyKeyspaceEvents = v;
                return null;
            }),
            Mutable("hll-sparse-max-bytes", o => o.HllSparseMaxBytes.ToString(CultureInfo.InvariantCulture), (o, v) => Memory(v, 0, int.MaxValue, x => o.HllSparseMaxBytes = (int)x)),
            Mutable("arrakis-lua-max-memory", o => o.LuaMaxMemory.ToString(CultureInfo.InvariantCulture), (o, v) => Memory(v, 0, long.MaxValue, x => o.LuaMaxMemory = x)),
            Mutable("arrakis-idle-spin-us", o => o.IdleSpinMicroseconds.ToString(CultureInfo.InvariantCulture), (o, v) => Int(v, -1, 1_000_000, x => o.IdleSpinMicroseconds = (int)x)),
        };
        var known = list.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, value, refusal) in RedisDefaults())
        {
            if (!known.Contains(name)) list.Add(Fixed(name, value, refusal));
        }
        return list.ToArray();
    }

    /// <summary>Redis 7.0's parameters, defaults and CONFIG SET refusals, as captured.</summary>
    private static IEnumerable<(string Name, string Value, string? Refusal)> RedisDefaults()
    {
        using var stream = typeof(ConfigRegistry).Assembly.GetManifestResourceStream("Arrakis.Server.Configuration.Metadata.redis-7.0-config.tsv")
            ?? throw new InvalidOperationException("missing embedded resource redis-7.0-config.tsv");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var f = line.Split('\t');
            yield return (f[0], f[1], f[2].Length == 0 ? null : f[2]);
        }
    }

    /// <summary>A Redis parameter with no effect here: answers <paramref name="value"/>; startup accepts
    /// another value with a warning (so a redis.conf written for Redis still starts).</summary>
    private static ConfigParameter Fixed(string name, string value, string? refusal = null) =>
        new(name, _ => value, null)
        {
            RedisRefusal = refusal,
            HasEffect = false,
            StartupSet = (_, v) => ConfigParameter.SameValue(value, v) ? null : IgnoredAtStartup,
        };

    /// <summary>What a startup directive for a parameter without effect returns: a warning, not an error.</summary>
    public const string IgnoredAtStartup = "ignored: no effect in Arrakis";

    public static ConfigParameter? Find(string name)
    {
        foreach (var p in All)
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p;
        }
        return null;
    }

    public static IEnumerable<ConfigParameter> Matching(ReadOnlySpan<byte> pattern)
    {
        var result = new List<ConfigParameter>();
        foreach (var p in All)
        {
            if (Glob.Match(pattern, Encoding.ASCII.GetBytes(p.Name), noCase: true)) result.Add(p);
        }
        return result;
    }

    private static ConfigParameter Mutable(string name, Func<ServerOptions, string> get, Func<ServerOptions, string, string?> set) =>
        new(name, get, set) { StartupSet = set };

    private static ConfigParameter Immutable(string name, Func<ServerOptions, string> get, Func<ServerOptions, string, string?> set, string? refusal = null) =>
        new(name, get, null) { StartupSet = set, RedisRefusal = refusal };

    private static string? Set(Action apply)
    {
        apply();
        return null;
    }

    private static string? Bool(string v, Action<bool> apply)
    {
        if (v.Equals("yes", StringComparison.OrdinalIgnoreCase)) apply(true);
        else if (v.Equals("no", StringComparison.OrdinalIgnoreCase)) apply(false);
        else return "argument must be 'yes' or 'no'";
        return null;
    }

    /// <summary>Redis's save: pairs of "seconds changes" (a BGSAVE after that many seconds when at least that
    /// many changes happened), or "" for none.</summary>
    /// <summary>
    /// `save <seconds> <changes> ...`: pairs of seconds >= 1 and changes >= 0, or "" for none. At runtime
    /// (CONFIG SET) the pairs replace the old ones; while directives are read (<paramref name="adding"/>)
    /// the first `save` replaces the defaults and each later one adds its pairs, as Redis reads its file.
    /// </summary>
    private static string? SetSavePoints(ServerOptions o, string v, bool adding)
    {
        var parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length % 2 != 0) return "Invalid save parameters";
        var points = new List<(long Seconds, long Changes)>();
        for (int i = 0; i < parts.Length; i += 2)
        {
            if (!long.TryParse(parts[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long seconds) || seconds < 1 ||
                !long.TryParse(parts[i + 1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long changes) || changes < 0)
                return "Invalid save parameters";
            points.Add((seconds, changes));
        }
        if (adding && o.SavePointsFromDirectives && parts.Length > 0) points.InsertRange(0, o.SavePoints);
        o.SavePointsFromDirectives = adding;
        o.SavePoints = points.ToArray();
        return null;
    }

    private static string? SetFsync(ServerOptions o, string v)
    {
        switch (v.ToLowerInvariant())
        {
            case "always": o.AppendFsync = Arrakis.Persistence.Log.FsyncPolicy.Always; break;
            case "everysec": o.AppendFsync = Arrakis.Persistence.Log.FsyncPolicy.EverySec; break;
            case "no": o.AppendFsync = Arrakis.Persistence.Log.FsyncPolicy.No; break;
            default: return "argument(s) must be one of the following: always, everysec, no";
        }
        return null;
    }

    /// <summary>Redis's isValidAOFfilename / isValidAOFdirname: a plain name, no path.</summary>
    private static string? SafeName(string v, Action<string> apply)
    {
        if (v.Length == 0 || v.Contains('/') || v.Contains('\\') || v is "." or "..") return "appendfilename can't be a path, just a filename";
        apply(v);
        return null;
    }

    private static string? Int(string v, long min, long max, Action<long> apply)
    {
        if (!long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long x)) return "argument couldn't be parsed into an integer";
        if (x < min || x > max) return $"argument must be between {min} and {max} inclusive";
        apply(x);
        return null;
    }

    private static string? Memory(string v, long min, long max, Action<long> apply)
    {
        if (!TryParseMemory(v, out long x)) return "argument must be a memory value";
        if (x < min || x > max) return $"argument must be between {min} and {max} inclusive";
        apply(x);
        return null;
    }

    /// <summary>Redis's memtoull: a number with an optional b, k, kb, m, mb, g, gb unit (case-insensitive).</summary>
    public static bool TryParseMemory(string v, out long bytes)
    {
        bytes = 0;
        string s = v.ToLowerInvariant();
        long mul = 1;
        foreach (var (unit, m) in new (string, long)[] { ("gb", 1L << 30), ("mb", 1L << 20), ("kb", 1L << 10), ("g", 1000L * 1000 * 1000), ("m", 1000L * 1000), ("k", 1000L), ("b", 1L) })
        {
            if (s.EndsWith(unit, StringComparison.Ordinal))
            {
                mul = m;
                s = s[..^unit.Length];
                break;
            }
        }
        if (s.Length == 0 || !s.All(char.IsAsciiDigit) || !long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long n)) return false;
        try
        {
            bytes = checked(n * mul);
        }
        catch (OverflowException)
        {
            return false;
        }
        return true;
    }

    private static string FormatOutputLimits(ServerOptions o) =>
        $"normal {o.OutputHardLimit} {o.OutputSoftLimit} {o.OutputSoftSeconds} slave 268435456 67108864 60 pubsub {o.PubSubHardLimit} {o.PubSubSoftLimit} {o.PubSubSoftSeconds}";

    private static string? SetOutputLimits(ServerOptions o, string v)
    {
        var parts = v.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || parts.Length % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
        var updates = new List<Action>();
        for (int i = 0; i < parts.Length; i += 4)
        {
            if (!TryParseMemory(parts[i + 1], out long hard) || !TryParseMemory(parts[i + 2], out long soft) ||
                !long.TryParse(parts[i + 3], NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) || seconds > int.MaxValue)
                return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
            switch (parts[i].ToLowerInvariant())
            {
                case "normal":
                    updates.Add(() => { o.OutputHardLimit = hard; o.OutputSoftLimit = soft; o.OutputSoftSeconds = (int)seconds; });
                    break;
                case "pubsub":
                    updates.Add(() => { o.PubSubHardLimit = hard; o.PubSubSoftLimit = soft; o.PubSubSoftSeconds = (int)seconds; });
                    break;
                case "slave" or "replica":
                    break; // no replication in this build: accepted as Redis does, and nothing uses it
                default:
                    return "Invalid client class specified in buffer limit configuration.";
            }
        }
        foreach (var u in updates) u();
        return null;
    }
}
