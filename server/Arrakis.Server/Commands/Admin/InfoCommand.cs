using System.Diagnostics;
using System.Globalization;
using System.Text;
using Arrakis.Server.Runtime;

namespace Arrakis.Server.Commands.Admin;

/// <summary>INFO with Redis 7's section and field names (fields that have no meaning here report
/// what is true: no replication, no RDB/AOF child, no eviction).</summary>
internal static class InfoCommand
{
    /// <summary>Redis 7.0's sections in its order; "default" leaves out commandstats and latencystats.</summary>
    private static readonly string[] AllSections =
        ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace"];

    private static readonly string[] DefaultSections = AllSections.Where(x => x is not ("commandstats" or "latencystats")).ToArray();

    public static void Execute(CommandContext c)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 1; i < c.ArgCount; i++) wanted.Add(c.ArgString(i).ToLowerInvariant());
        if (wanted.Count == 0 || wanted.Remove("default")) wanted.UnionWith(DefaultSections);
        if (wanted.Remove("all") | wanted.Remove("everything")) wanted.UnionWith(AllSections);
        IEnumerable<string> sections = AllSections.Where(wanted.Contains);
        var sb = new StringBuilder();
        foreach (var section in sections)
        {
            if (sb.Length > 0) sb.Append("\r\n");
            Append(sb, section, c.Server);
        }
        c.Reply.WriteVerbatim("txt"u8, Encoding.UTF8.GetBytes(sb.ToString()));
    }

    public static string Render(ServerState server, string section)
    {
        var sb = new StringBuilder();
        Append(sb, section, server);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, string section, ServerState s)
    {
        var o = s.Options;
        var inv = CultureInfo.InvariantCulture;
        void F(string name, object value) => sb.Append(name).Append(':').Append(Convert.ToString(value, inv)).Append("\r\n");
        long uptime = (ServerClock.MonotonicMs - s.StartMonotonicMs) / 1000;
        switch (section)
        {
            case "server":
                sb.Append("# Server\r\n");
                F("redis_version", ConnectionCommands.RedisVersion);
                F("redis_git_sha1", "00000000");
                F("redis_git_dirty", 0);
                F("redis_build_id", "arrakis");
                F("redis_mode", "standalone");
                F("os", $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription} {System.Runtime.InteropServices.RuntimeInformation.OSArchitecture}");
                F("arch_bits", IntPtr.Size * 8);
                F("monotonic_clock", "POSIX clock_gettime");
                F("multiplexing_api", s.NetworkDescription.Length > 0 ? s.NetworkDescription : o.Network);
                F("atomicvar_api", "c11-builtin");
                F("gcc_version", "0.0.0");
                F("process_id", Environment.ProcessId);
                F("process_supervised", "no");
                F("run_id", s.RunId);
                F("tcp_port", o.Port);
                F("server_time_usec", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000);
                F("uptime_in_seconds", uptime);
                F("uptime_in_days", uptime / 86400);
                F("hz", o.Hz);
                F("configured_hz", o.Hz);
                F("lru_clock", ServerClock.Seconds & 0xFFFFFF);
                F("executable", s.ExecutablePath);
                F("config_file", s.ConfigFile);
                F("io_threads_active", 0);
                F("arrakis_version", typeof(InfoCommand).Assembly.GetName().Version?.ToString() ?? "0");
                F("arrakis_threads", o.Threads);
                F("arrakis_runtime", System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription);
                break;
            case "clients":
                sb.Append("# Clients\r\n");
                F("connected_clients", s.Clients.Count);
                F("cluster_connections", 0);
                F("maxclients", o.MaxClients);
                var (input, output) = RecentPeaks(s);
                F("client_recent_max_input_buffer", input);
                F("client_recent_max_output_buffer", output);
                F("blocked_clients", s.Blocking.BlockedClients);
                F("tracking_clients", 0);
                F("clients_in_timeout_table", s.Blocking.BlockedWithTimeout);
                break;
            case "memory":
            {
                sb.Append("# Memory\r\n");
                // used_memory is our own accounting (MemoryFigures); allocator_* are the GC's own counts.
                var m = MemoryFigures.Measure(s);
                long used = m.Total;
                using var p = Process.GetCurrentProcess();
                long rss = p.WorkingSet64, peak = s.PeakMemory;
                var gcInfo = GC.GetGCMemoryInfo();
                F("used_memory", used);
                F("used_memory_human", Human(used));
                F("used_memory_rss", rss);
                F("used_memory_rss_human", Human(rss));
                F("used_memory_peak", peak);
                F("used_memory_peak_human", Human(peak));
                F("used_memory_peak_perc", (peak > 0 ? used * 100.0 / peak : 0).ToString("F2", inv) + "%");
                F("used_memory_overhead", m.Overhead);
                F("used_memory_startup", m.Startup);
                F("used_memory_dataset", m.Dataset);
                F("used_memory_dataset_perc", (used - m.Startup > 0 ? m.Dataset * 100.0 / (used - m.Startup) : 0).ToString("F2", inv) + "%");
                F("allocator_allocated", GC.GetTotalMemory(false));
                F("allocator_active", gcInfo.HeapSizeBytes);
                F("allocator_resident", gcInfo.TotalCommittedBytes);
                F("total_system_memory", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
                F("total_system_memory_human", Human(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes));
                // Lua: what each interpreter holds (0 until its first script), and the scripts' and libraries' code.
                long vmEval = s.Scripts.UsedMemory, vmFunctions = s.Functions.UsedMemory;
                long scriptsEval = s.Scripts.BodyBytes, functionsCode = s.Functions.CodeBytes;
                F("used_memory_lua", vmEval);
                F("used_memory_vm_eval", vmEval);
                F("used_memory_lua_human", Human(vmEval));
                F("used_memory_scripts_eval", scriptsEval);
                F("number_of_cached_scripts", s.Scripts.Count);
                F("number_of_functions", s.Functions.FunctionCount);
                F("number_of_libraries", s.Functions.LibraryCount);
                F("used_memory_vm_functions", vmFunctions);
                F("used_memory_vm_total", vmEval + vmFunctions);
                F("used_memory_vm_total_human", Human(vmEval + vmFunctions));
                F("used_memory_functions", functionsCode);
                F("used_memory_scripts", scriptsEval + functionsCode);
                F("used_memory_scripts_human", Human(scriptsEval + functionsCode));
                F("maxmemory", 0);
                F("maxmemory_human", "0B");
                F("maxmemory_policy", "noeviction");
                F("mem_fragmentation_ratio", used > 0 ? Math.Round((double)rss / used, 2) : 0);
                F("mem_fragmentation_bytes", rss - used);
                F("mem_clients_normal", m.Clients);
                F("mem_allocator", "dotnet-gc");
                F("lazyfree_pending_objects", 0);
                break;
            }
            case "persistence":
                sb.Append("# Persistence\r\n");
                F("loading", 0);
                F("async_loading", 0);
                F("current_cow_peak", 0);
                F("current_cow_size", 0);
                var snaps = s.Snapshots;
                // A background snapshot's progress (Redis: its fork child's), 0 when none runs.
                var current = snaps.BackgroundSaveInProgress || s.Rewriter.InProgress ? snaps.Current : null;
                long processed = current is null ? 0 : Volatile.Read(ref current.Keys), total = current?.KeysAtBegin ?? 0;
                F("current_fork_perc", (total == 0 ? 0 : 100.0 * processed / total).ToString("F2", inv));
                F("current_save_keys_processed", processed);
                F("current_save_keys_total", total);
                F("rdb_changes_since_last_save", s.Sum(t => t.Dirty) - s.DirtyAtLastSave);
                F("rdb_bgsave_in_progress", snaps.BackgroundSaveInProgress ? 1 : 0);
                F("rdb_last_save_time", snaps.LastSaveUnixSeconds);
                F("rdb_last_bgsave_status", snaps.LastStatusOk ? "ok" : "err");
                F("rdb_last_bgsave_time_sec", snaps.LastDurationSeconds);
                F("rdb_current_bgsave_time_sec", snaps.BackgroundSaveInProgress ? (Runtime.ServerClock.UnixMs - snaps.StartedUnixMs) / 1000 : -1);
                F("rdb_saves", snaps.Saves);
                F("rdb_last_load_keys_expired", s.LastRdbLoad.Expired);
                F("rdb_last_load_keys_loaded", s.LastRdbLoad.Loaded);
                var log = s.Durable;
                var rw = s.Rewriter;
                F("aof_enabled", log is null ? 0 : 1);
                F("aof_rewrite_in_progress", rw.InProgress ? 1 : 0);
                F("aof_rewrite_scheduled", rw.Scheduled ? 1 : 0);
                F("aof_last_rewrite_time_sec", rw.LastDurationSeconds);
                F("aof_current_rewrite_time_sec", rw.InProgress ? (Runtime.ServerClock.UnixMs - rw.StartedUnixMs) / 1000 : -1);
                F("aof_last_bgrewrite_status", rw.LastStatusOk ? "ok" : "err");
                F("aof_rewrites", rw.Rewrites);
                F("aof_rewrites_consecutive_failures", rw.ConsecutiveFailures);
                F("aof_last_write_status", log is null || log.FailedErrno == 0 ? "ok" : "err");
                if (log is not null) AppendLogFields(s, log, F);
                break;
            case "stats":
                sb.Append("# Stats\r\n");
                F("total_connections_received", s.Sum(t => t.Connections));
                F("total_commands_processed", s.Sum(t => t.Commands));
                F("instantaneous_ops_per_sec", s.Metrics.Rate(InstantaneousMetrics.Metric.Commands));
                F("total_net_input_bytes", s.Sum(t => t.NetInputBytes));
                F("total_net_output_bytes", s.Sum(t => t.NetOutputBytes));
                F("instantaneous_input_kbps", (s.Metrics.Rate(InstantaneousMetrics.Metric.NetInput) / 1024.0).ToString("F2", inv));
                F("instantaneous_output_kbps", (s.Metrics.Rate(InstantaneousMetrics.Metric.NetOutput) / 1024.0).ToString("F2", inv));
                F("rejected_connections", s.Sum(t => t.RejectedConnections));
                F("expired_keys", s.Sum(t => t.ExpiredKeys));
                F("evicted_keys", 0);
                F("keyspace_hits", s.Sum(t => t.KeyspaceHits));
                F("keyspace_misses", s.Sum(t => t.KeyspaceMisses));
                F("pubsub_channels", s.PubSub.ChannelCount);
                F("pubsub_patterns", s.PubSub.PatternCount);
                F("latest_fork_usec", s.Snapshots.LatestForkMicros);
                F("total_forks", s.Snapshots.TotalForks);
                F("unexpected_error_replies", 0);
                F("total_error_replies", s.Sum(t => t.ErrorReplies));
                F("total_reads_processed", s.Sum(t => t.ReadsProcessed));
                F("total_writes_processed", s.Sum(t => t.WritesProcessed));
                F("arrakis_command_failures", s.Sum(t => t.HandlerFailures));
                F("arrakis_loop_failures", s.Sum(t => t.LoopFailures));
                var gc = Runtime.GcPauses.Instance.Read();
                F("arrakis_gc_gen0_collections", gc.Gen0);
                F("arrakis_gc_gen1_collections", gc.Gen1);
                F("arrakis_gc_gen2_collections", gc.Gen2);
                F("arrakis_gc_pauses", gc.Pauses);
                F("arrakis_gc_pause_total_us", gc.TotalUs);
                F("arrakis_gc_pause_max_us", gc.MaxUs);
                F("arrakis_gc_pause_max_cause", gc.MaxCause);
                F("arrakis_gc_pauses_over_1ms", gc.Over1ms);
                F("arrakis_gc_suspend_max_us", gc.MaxSuspendUs);
                // A user-space network stack's own counters (--net xdp), summed by name over the threads.
                var net = new List<(string Name, long Value)>();
                foreach (var source in s.Sources)
                {
                    foreach (var (name, value) in source.Counters)
                    {
                        int at = net.FindIndex(x => x.Name == name);
                        if (at < 0) net.Add((name, value));
                        else net[at] = (name, net[at].Value + value);
                    }
                }
                foreach (var (name, value) in net) F("arrakis_net_" + name, value);
                break;
            case "replication":
                sb.Append("# Replication\r\n");
                F("role", "master");
                F("connected_slaves", 0);
                F("master_failover_state", "no-failover");
                F("master_replid", s.RunId);
                F("master_replid2", new string('0', 40));
                F("master_repl_offset", 0);
                F("second_repl_offset", -1);
                F("repl_backlog_active", 0);
                F("repl_backlog_size", 1048576);
                F("repl_backlog_first_byte_offset", 0);
                F("repl_backlog_histlen", 0);
                break;
            case "cpu":
            {
                sb.Append("# CPU\r\n");
                using var p = Process.GetCurrentProcess();
                F("used_cpu_sys", p.PrivilegedProcessorTime.TotalSeconds.ToString("F6", inv));
                F("used_cpu_user", p.UserProcessorTime.TotalSeconds.ToString("F6", inv));
                F("used_cpu_sys_children", "0.000000");
                F("used_cpu_user_children", "0.000000");
                break;
            }
            case "keyspace":
                sb.Append("# Keyspace\r\n");
                for (int db = 0; db < s.Keyspace.Databases; db++)
                {
                    long keys = s.Keyspace.Count(db);
                    if (keys == 0) continue;
                    F("db" + db, $"keys={keys},expires={s.Keyspace.VolatileCount(db)},avg_ttl={s.Keyspace.AverageTtl[db]}");
                }
                break;
            case "modules":
                sb.Append("# Modules\r\n");
                break;
            case "cluster":
                sb.Append("# Cluster\r\n");
                F("cluster_enabled", 0);
                break;
            case "commandstats":
                InfoStats.AppendCommandStats(sb, s);
                break;
            case "errorstats":
                InfoStats.AppendErrorStats(sb, s);
                break;
            case "latencystats":
                InfoStats.AppendLatencyStats(sb, s);
                break;
        }
    }

    private static (long Input, long Output) RecentPeaks(ServerState s)
    {
        long second = ServerClock.UnixMs / 1000, input = 0, output = 0;
        foreach (var t in s.ThreadStats)
        {
            var (i, o) = t.RecentPeaks(second);
            input = Math.Max(input, i);
            output = Math.Max(output, o);
        }
        return (input, output);
    }

    public static string Human(long bytes)
    {
        var inv = CultureInfo.InvariantCulture;
        if (bytes < 1024) return bytes.ToString(inv) + "B";
        if (bytes < 1024 * 1024) return (bytes / 1024.0).ToString("F2", inv) + "K";
        if (bytes < 1024L * 1024 * 1024) return (bytes / 1048576.0).ToString("F2", inv) + "M";
        return (bytes / 1073741824.0).ToString("F2", inv) + "G";
    }

    /// <summary>The fields Redis shows with aof_enabled:1, plus the log's own figures (arrakis_log_*).</summary>
    private static void AppendLogFields(ServerState s, Durability.DurableLog log, Action<string, object> f)
    {
        var a = log.Log;
        var c = a.Counters;
        f("aof_current_size", s.Rewriter.BaseBytes + a.UsedBytes);
        f("aof_base_size", s.Rewriter.BaseBytes);
        f("aof_pending_rewrite", 0);
        f("aof_buffer_length", a.StagedBytes);
        f("aof_pending_bio_fsync", a.HasWork ? 1 : 0);
        f("aof_delayed_fsync", 0);
        if (a.FailedErrno != 0) f("arrakis_log_error", Arrakis.IoBypass.Block.BlockErrno.Describe(a.FailedErrno));
        f("arrakis_log_storage", log.Description.Replace("\r", " ").Replace("\n", " "));
        f("arrakis_log_device", a.Device.Name);
        f("arrakis_log_last_lsn", a.LastLsn);
        f("arrakis_log_durable_lsn", a.DurableLsn);
        f("arrakis_log_lag_lsn", a.LastLsn - a.DurableLsn);
        f("arrakis_log_frames", c.Frames);
        f("arrakis_log_records", c.Records);
        f("arrakis_log_writes", c.Writes);
        f("arrakis_log_flushes", c.Flushes);
        f("arrakis_log_records_per_write", c.Writes == 0 ? "0.00" : ((double)c.Records / c.Writes).ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
        f("arrakis_log_bytes_written", c.BytesWritten);
        f("arrakis_log_free_bytes", a.FreeBytes);
        f("arrakis_held_replies", s.Sum(t => t.HeldReplies));
        if (s.Recovery is { } r) f("arrakis_log_recovery", r.Describe().Replace("\r", " ").Replace("\n", " "));
    }
}
