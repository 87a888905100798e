using Arrakis.Server.Durability;

namespace Arrakis.Server.Tests.Durability;

public sealed class IncrementalSyncStreamTests
{
    [Fact]
    public void A_snapshot_file_is_flushed_to_disk_every_4_MB_and_keeps_every_byte()
    {
        string path = Path.Combine(Path.GetTempPath(), $"arrakis-sync-{Guid.NewGuid():N}.rdb");
        try
        {
            var data = new byte[10 * 1024 * 1024 + 123];
            new Random(1).NextBytes(data);
            int syncs;
            using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var stream = new IncrementalSyncStream(file);
                for (int at = 0; at < data.Length; at += 70_001) stream.Write(data.AsSpan(at, Math.Min(70_001, data.Length - at)));
                syncs = stream.Syncs;
                file.Flush(flushToDisk: true);
            }
            Assert.Equal(2, syncs); // at 4 and 8 MB; the rest goes with the final flush
            Assert.True(File.ReadAllBytes(path).AsSpan().SequenceEqual(data));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
