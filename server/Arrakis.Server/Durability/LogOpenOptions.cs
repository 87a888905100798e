using Arrakis.Persistence.Log;

namespace Arrakis.Server.Durability;

/// <summary>Where the log starts on its device and how to treat what recovery finds.</summary>
/// <param name="LoadTruncated">A torn tail (never durable) is cut and startup goes on (Redis's aof-load-truncated); false: refuse to start.</param>
/// <param name="LoadCorrupt">Corruption of data that was durable: cut the log there and start (losing what follows) instead of refusing to start.</param>
internal sealed record LogOpenOptions(FsyncPolicy Policy, long StartOffset = 0, long StartLsn = 1, long RegionEnd = -1, bool LoadTruncated = true, bool LoadCorrupt = false);
