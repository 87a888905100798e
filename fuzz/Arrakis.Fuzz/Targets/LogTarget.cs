using System.Text;
using Arrakis.IoBypass.Block;
using Arrakis.IoBypass.Block.Simulated;
using Arrakis.Persistence.Log;

namespace Arrakis.Fuzz.Targets;

/// <summary>
/// The log reader (recovery) against damaged logs. Input: lines of space-separated arguments (one
/// record per line, databases 0..3 by line), a NUL byte, then damage as 3-byte groups (u16 offset
/// little-endian, xor mask) applied to the written device. The records are written with
/// <see cref="AppendLog"/> (one flush per three records), damaged, and read back. Oracles: without
/// damage every record comes back, equal, and the log is clean; with damage what comes back is a
/// prefix of what was written (never a changed or invented record), and nothing throws.
/// </summary>
internal static class LogTarget
{
    private const int MaxLength = 8192;

    public static void Run(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxLength) data = data[..MaxLength];
        int nul = data.IndexOf((byte)0);
        var text = nul >= 0 ? data[..nul] : data;
        var damage = nul >= 0 ? data[(nul + 1)..] : ReadOnlySpan<byte>.Empty;
        var written = new List<string>();
        var dev = new SimulatedNvme(64 * 1024, seed: 1);
        var log = new AppendLog(dev, 0, 1, FsyncPolicy.Always, bufferBytes: 16 * 1024);
        int line = 0;
        foreach (var raw in Encoding.Latin1.GetString(text).Split('\n'))
        {
            var args = raw.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (args.Length == 0) continue;
            var effects = new EffectBuffer();
            effects.Add(line % 4, args.Select(a => Encoding.Latin1.GetBytes(a)).ToArray());
            if (log.Append(effects) < 0) break;
            written.Add(Render(line % 4, args));
            if (++line % 3 == 0) log.Pump(line);
        }
        log.Pump(line);
        if (log.FailedErrno == 0 && log.DurableLsn != written.Count) throw new FuzzFailure($"{written.Count} appended, durable up to {log.DurableLsn}");
        for (int i = 0; i + 2 < damage.Length; i += 3)
        {
            long offset = (damage[i] | damage[i + 1] << 8) % dev.Capacity;
            if (damage[i + 2] != 0) dev.CorruptDurable(offset, damage[i + 2]);
        }
        var read = new List<string>();
        var result = new LogReader(dev).Read(0, 1, r =>
        {
            foreach (var c in r.Commands) read.Add(Render(c.Db, c.Args.Select(a => Encoding.Latin1.GetString(a)).ToArray()));
        });
        if (read.Count > written.Count) throw new FuzzFailure($"read {read.Count} records, only {written.Count} were written");
        for (int i = 0; i < read.Count; i++)
        {
            if (read[i] != written[i]) throw new FuzzFailure($"record {i + 1} came back changed: '{read[i]}' instead of '{written[i]}'");
        }
        if (result.NextLsn != read.Count + 1) throw new FuzzFailure($"next LSN {result.NextLsn} after {read.Count} records");
        bool damaged = dev.ReadDurable(0, (int)dev.Capacity).AsSpan().SequenceEqual(Pristine(written, dev)) is false;
        if (!damaged && (result.Status != LogReadStatus.Clean || read.Count != written.Count))
            throw new FuzzFailure($"undamaged log read as {result.Status} with {read.Count} of {written.Count} records: {result.Message}");
    }

    private static string Render(int db, string[] args) => db + ":" + string.Join(" ", args);

    /// <summary>The device as it was before the damage (written again the same way).</summary>
    private static byte[] Pristine(List<string> written, IQueuePair damagedDevice)
    {
        var dev = new SimulatedNvme(damagedDevice.Capacity, seed: 1);
        var log = new AppendLog(dev, 0, 1, FsyncPolicy.Always, bufferBytes: 16 * 1024);
        int line = 0;
        foreach (var w in written)
        {
            int colon = w.IndexOf(':');
            var effects = new EffectBuffer();
            effects.Add(int.Parse(w[..colon], System.Globalization.CultureInfo.InvariantCulture), w[(colon + 1)..].Split(' ').Select(a => Encoding.Latin1.GetBytes(a)).ToArray());
            log.Append(effects);
            if (++line % 3 == 0) log.Pump(line);
        }
        log.Pump(line);
        return dev.ReadDurable(0, (int)dev.Capacity);
    }
}
