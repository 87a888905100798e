namespace Arrakis.Server.Runtime;

/// <summary>What a background thread was started for (which of Redis's CPU lists applies to it).</summary>
internal enum BackgroundWork
{
    /// <summary>BGSAVE, a scheduled save, SHUTDOWN SAVE's writer: bgsave_cpulist.</summary>
    Save,

    /// <summary>BGREWRITEAOF and automatic rewrites: aof_rewrite_cpulist.</summary>
    AofRewrite,
}
