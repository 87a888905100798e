namespace Arrakis.Server.Configuration;

/// <summary>
/// The server's settings, named after redis.conf directives. Read by data-plane threads without
/// locks (each field is a single word; a CONFIG SET is seen by the next command).
/// </summary>
public sealed class ServerOptions
{
    public int Port { get; set; } = 6379;
    public string[] Bind { get; set; } = ["127.0.0.1"];
    public int TcpBacklog { get; set; } = 511;
    public string RequirePass { get; set; } = "";
    public int MaxClients { get; set; } = 10000;
    /// <summary>Close clients idle for this many seconds; 0 = never.</summary>
    public int Timeout { get; set; }
    public int Databases { get; set; } = 16;
    /// <summary>Background task frequency (active expiry, client timeouts), per second.</summary>
    public int Hz { get; set; } = 10;
    public long ProtoMaxBulkLen { get; set; } = 512L * 1024 * 1024;
    public long ClientQueryBufferLimit { get; set; } = 1024L * 1024 * 1024;
    /// <summary>Normal clients' output limit: hard bytes, soft bytes, soft seconds (0 = none, Redis's default).</summary>
    public long OutputHardLimit { get; set; }
    public long OutputSoftLimit { get; set; }
    public int OutputSoftSeconds { get; set; }
    /// <summary>Pub/sub clients' output limit (Redis's default 32mb 8mb 60).</summary>
    public long PubSubHardLimit { get; set; } = 32L * 1024 * 1024;
    public long PubSubSoftLimit { get; set; } = 8L * 1024 * 1024;
    public int PubSubSoftSeconds { get; set; } = 60;
    public long SlowlogLogSlowerThan { get; set; } = 10000;

    /// <summary>busy-reply-threshold (alias lua-time-limit): after this many ms a script makes other clients get BUSY.</summary>
    public long BusyReplyThresholdMs { get; set; } = 5000;

    /// <summary>arrakis-lua-max-memory: what scripts may make each Lua interpreter hold (0: no cap; Redis 7.0 has none).</summary>
    public long LuaMaxMemory { get; set; } = 1L << 30;
    public int SlowlogMaxLen { get; set; } = 128;
    /// <summary>
    /// Data-plane threads. Default: one per core but one, leaving a core for the kernel's network
    /// work, the control plane and co-located clients (measured on 2 cores with redis-benchmark on
    /// the same machine: 2 threads gave 0.79-0.96x redis-server on LPUSH/SADD/HSET/ZADD, 1 thread 1.08-1.15x).
    /// </summary>
    public int Threads { get; set; } = Math.Max(1, Environment.ProcessorCount - 1);
    /// <summary>
    /// How long an idle data-plane thread polls before it blocks, in microseconds. -1 (auto): 50 when
    /// at least two cores are left for others (threads + 2 &lt;= cores), else 0, because a spinning thread
    /// on a machine shared with its clients takes the CPU they need (measured: redis-benchmark -P 16 fell
    /// from 1.78M to 1.05-1.58M requests/s with 2 spinning threads on 2 cores; with 1 thread on 2 cores the
    /// open-loop mix at 57k requests/s had p99.9 7.6 ms spinning, 4.5 ms not, GET P1 the same throughput).
    /// </summary>
    public int IdleSpinMicroseconds { get; set; } = -1;

    /// <summary>Replaces "auto" settings with what they mean on this machine.</summary>
    public void ResolveAuto()
    {
        if (IdleSpinMicroseconds < 0) IdleSpinMicroseconds = Threads + 2 <= Environment.ProcessorCount ? 50 : 0;
    }
    /// <summary>Pending reply bytes above which a client's input is no longer read (backpressure).</summary>
    public int OutputBackpressureBytes { get; set; } = 1024 * 1024;
    /// <summary>Largest sparse HyperLogLog before it is converted to dense (Redis's default 3000).</summary>
    public int HllSparseMaxBytes { get; set; } = 3000;

    /// <summary>notify-keyspace-events classes ("" = off).</summary>
    public string NotifyKeyspaceEvents { get; set; } = "";

    /// <summary>appendonly: recover from and append to the log.</summary>
    public bool AppendOnly { get; set; }

    /// <summary>appendfsync: always (replies wait for durability), everysec, no.</summary>
    public Arrakis.Persistence.Log.FsyncPolicy AppendFsync { get; set; } = Arrakis.Persistence.Log.FsyncPolicy.EverySec;

    /// <summary>dir: where the append-only directory lives (the working directory by default, as Redis).</summary>
    public string Dir { get; set; } = Directory.GetCurrentDirectory();

    public string AppendFilename { get; set; } = "appendonly.aof";

    /// <summary>save: BGSAVE after Seconds when at least Changes happened since the last save. Empty by default
    /// (Redis's own default without a config file is 3600 1 300 100 60 10000: set it to get that).</summary>
    public (long Seconds, long Changes)[] SavePoints { get; set; } = [];

    /// <summary>Startup: a `save` directive was read already, so the next one adds its points (Redis's config file rule).</summary>
    internal bool SavePointsFromDirectives { get; set; }

    /// <summary>dbfilename: the RDB file SAVE/BGSAVE write and startup loads (with appendonly no).</summary>
    public string DbFilename { get; set; } = "dump.rdb";

    public string AppendDirname { get; set; } = "appendonlydir";

    /// <summary>aof-device: a block device or pre-written file that holds the log instead of a file in the append-only directory.</summary>
    public string AofDevice { get; set; } = "";

    /// <summary>server_cpulist (Redis's): the CPUs the data-plane threads run on ("0-3", "1,5", "0-7:2"); empty: any.</summary>
    public string ServerCpuList { get; set; } = "";

    /// <summary>bgsave_cpulist (Redis's): the CPUs of the threads a background save starts; empty: any.</summary>
    public string BgsaveCpuList { get; set; } = "";

    /// <summary>aof_rewrite_cpulist (Redis's): the CPUs of the threads a log rewrite starts; empty: any.</summary>
    public string AofRewriteCpuList { get; set; } = "";

    /// <summary>aof-io: uring, sync or auto (the control module picks and says why).</summary>
    public string AofIo { get; set; } = "auto";

    /// <summary>
    /// aof-sqpoll (ours): io_uring's kernel thread polls the log's submission ring (IORING_SETUP_SQPOLL), saving
    /// the submit syscall at the price of a polling thread. Opt-in; small frames then go as a write plus a linked
    /// fdatasync, as SQPOLL is never combined with RWF_DSYNC writes (measured ~4 ms per write).
    /// </summary>
    public bool AofSqPoll { get; set; }

    /// <summary>aof-log-size: bytes pre-written for a new log file.</summary>
    public long AofLogSize { get; set; } = 1L << 30;

    /// <summary>auto-aof-rewrite-percentage: rewrite when the log grew by this much since the last rewrite (0: never by growth).</summary>
    public int AutoAofRewritePercentage { get; set; } = 100;

    /// <summary>auto-aof-rewrite-min-size: no automatic rewrite below this log size.</summary>
    public long AutoAofRewriteMinSize { get; set; } = 64L << 20;

    /// <summary>aof-load-truncated (Redis's): start after cutting a torn tail; no: refuse to start instead.</summary>
    public bool AofLoadTruncated { get; set; } = true;

    /// <summary>aof-load-corrupt: start even when data that was durable is damaged, cutting the log there.</summary>
    public bool AofLoadCorrupt { get; set; }

    /// <summary>--net: "kernel" (kernel sockets via epoll; "epoll" is the same), "xdp" (the user-space stack over
    /// AF_XDP queues of <see cref="NetInterface"/>; startup fails when it cannot be granted) or "auto" (xdp when it
    /// can be granted, else kernel, saying why).</summary>
    public string Network { get; set; } = "kernel";

    /// <summary>--net-if: the interface whose queues the user-space stack claims.</summary>
    public string NetInterface { get; set; } = "";

    /// <summary>--net-ip: the IPv4 address the stack serves (default: the interface's first).</summary>
    public string NetAddress { get; set; } = "";

    /// <summary>--net-mode: "shared" (the host keeps the address, ARP and ICMP; only TCP to our port comes to us) or "dedicated" (we answer ARP and ping).</summary>
    public string NetMode { get; set; } = "shared";

    /// <summary>--net-queues: NIC queues to claim, one per data-plane thread (0: one per thread; else the thread count follows).</summary>
    public int NetQueues { get; set; }
}
