using Arrakis.IoBypass.Linux.Control;
using Arrakis.Server.Configuration;
using Arrakis.Server.Durability;

namespace Arrakis.Server.Host;

/// <summary>The control module's storage claim as the log's source of segments.</summary>
internal sealed class ClaimedLogStorage(ServerOptions options) : ILogStorage
{
    public LogDevice Open(string path, long capacity)
    {
        if (options.AofSqPoll && options.AofIo != "uring")
            throw new InvalidOperationException($"--aof-sqpoll yes needs --aof-io uring (SQPOLL is io_uring's; with aof-io {options.AofIo} the sync path could be chosen)");
        var claim = StorageClaim.Claim(new StorageOptions(path)
        {
            Io = options.AofIo switch { "uring" => StorageIo.Uring, "sync" => StorageIo.Sync, _ => StorageIo.Auto },
            NewFileCapacity = capacity,
            // FUA-equivalent writes (RWF_DSYNC) for the log's small frames (AppendLog.FuaMaxRecords): one
            // round trip, ~1.0x the disk's own pwrite+fdatasync rate at one client against ~0.8x for a write
            // followed by a linked fdatasync; bigger groups still use the linked fdatasync. Never with SQPOLL.
            DsyncWrites = !options.AofSqPoll,
            SqPoll = options.AofSqPoll,
        });
        return new LogDevice(claim.QueuePair, claim.Report, claim);
    }

    public bool Exists(string path) => File.Exists(path);

    public int ZeroRange(string path, long offset, long bytes) => StorageClaim.ZeroRange(path, offset, bytes);

    public int SyncDirectory(string directory) => StorageClaim.SyncDirectory(directory);
}
