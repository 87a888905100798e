using System.Diagnostics;
using Arrakis.IoBypass.Nic;
using Arrakis.IoBypass.Nic.Middleware;
using Arrakis.IoBypass.Nic.Simulated;
using static Arrakis.IoBypass.Tests.Nic.NicTestFrames;

namespace Arrakis.IoBypass.Tests.Nic;

public sealed class PcapWriterTests
{
    [Fact]
    public void The_capture_opens_in_tcpdump_with_every_frame_both_ways()
    {
        string path = Path.Combine(Path.GetTempPath(), $"arrakis-{Guid.NewGuid():N}.pcap");
        try
        {
            var (a, b) = SimulatedVf.CreatePair();
            long clock = 1_764_000_000_000_000; // 2025-11-24, microseconds
            using (var pcap = new PcapWriter(a, File.Create(path), unixMicroseconds: () => clock += 1500))
            {
                var arp = ArpRequest();
                var frames = new PacketBuffer[1];
                for (int i = 0; i < 3; i++)
                {
                    pcap.Allocate(frames);
                    arp.CopyTo(pcap.Data(frames[0]));
                    pcap.TxBurst([frames[0].WithLength(arp.Length)]);
                }
                // The peer answers with a reply: same frame, operation 2, addresses swapped.
                var reply = (byte[])arp.Clone();
                reply[21] = 2;
                arp.AsSpan(22, 10).CopyTo(reply.AsSpan(32));
                new byte[] { 0x02, 0, 0, 0, 0, 0x02, 198, 18, 0, 2 }.CopyTo(reply.AsSpan(22));
                b.Allocate(frames);
                reply.CopyTo(b.Data(frames[0]));
                b.TxBurst([frames[0].WithLength(reply.Length)]);
                Assert.Equal(1, pcap.RxBurst(frames));
                pcap.Release(frames);
                pcap.Flush();
                Assert.Equal(4, pcap.Frames);
            }
            string output = Tcpdump(path);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(4, lines.Length);
            Assert.All(lines.Take(3), l => Assert.Contains("Request who-has 198.18.0.2 tell 198.18.0.1", l));
            Assert.Contains("Reply 198.18.0.2 is-at 02:00:00:00:00:02", lines[3]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_frame_longer_than_the_snap_length_is_cut_and_keeps_its_real_length()
    {
        var (a, _) = SimulatedVf.CreatePair();
        var stream = new MemoryStream();
        using var pcap = new PcapWriter(a, stream, ownsStream: false, snapLength: 100, unixMicroseconds: () => 2_500_001);
        var frames = new PacketBuffer[1];
        pcap.Allocate(frames);
        pcap.TxBurst([frames[0].WithLength(1500)]);
        pcap.Flush();
        var bytes = stream.ToArray();
        Assert.Equal(0xA1B2C3D4u, BitConverter.ToUInt32(bytes, 0));
        Assert.Equal(1, BitConverter.ToInt32(bytes, 20)); // LINKTYPE_ETHERNET
        Assert.Equal(100, BitConverter.ToInt32(bytes, 16)); // snaplen
        Assert.Equal((2u, 500_001u, 100, 1500), (BitConverter.ToUInt32(bytes, 24), BitConverter.ToUInt32(bytes, 28), BitConverter.ToInt32(bytes, 32), BitConverter.ToInt32(bytes, 36)));
        Assert.Equal(24 + 16 + 100, bytes.Length);
    }

    private static string Tcpdump(string path)
    {
        string? tool = new[] { "/usr/bin/tcpdump", "/usr/sbin/tcpdump" }.FirstOrDefault(File.Exists);
        Assert.True(tool is not null, "tcpdump is missing: tests/run.sh installs it (Debian package tcpdump)");
        var psi = new ProcessStartInfo(tool!, ["-nn", "-r", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"tcpdump failed: {stderr}");
        return stdout;
    }
}
