extern alias ServerProject;
using System.Diagnostics;
using System.Text;
using Arrakis.IoBypass.Net.Iface;
using Arrakis.IoBypass.Net.Stack;
using Arrakis.IoBypass.Net.Tcp;
using Arrakis.IoBypass.Nic;
using Arrakis.IoBypass.Nic.Middleware;
using Arrakis.IoBypass.Nic.Simulated;
using Arrakis.IoBypass.Transport;
using ServerProject::Arrakis.Server.Configuration;
using ServerProject::Arrakis.Server.Runtime;
using static Arrakis.IoBypass.Net.Tests.Iface.Frames;

namespace Arrakis.IoBypass.Net.Tests.Stack;

/// <summary>
/// The real server (data-plane thread, parser, commands, keyspace) over the user-space stack on a simulated
/// VF that loses, reorders and duplicates frames both ways; clients on a second stack pipeline a RESP
/// workload (SET/GET of values up to 3 KB, INCR, LPUSH, a final LRANGE) and get every reply byte-exact.
/// </summary>
public sealed class RespOverLossyLinkTests
{
    private const ushort Port = 6379;

    /// <summary>Both ends of the simulated VF under one lock: the server's data-plane thread drives one, the test the other.</summary>
    private sealed class Locked(INicQueue inner, object gate) : INicQueue
    {
        public string Name => inner.Name;
        public int FrameCapacity => inner.FrameCapacity;
        public int WaitFd => -1;
        public NicQueueStats Stats => inner.Stats;
        public int RxBurst(Span<PacketBuffer> frames) { lock (gate) return inner.RxBurst(frames); }
        public int Allocate(Span<PacketBuffer> frames) { lock (gate) return inner.Allocate(frames); }
        public int TxBurst(ReadOnlySpan<PacketBuffer> frames) { lock (gate) return inner.TxBurst(frames); }
        public void Release(ReadOnlySpan<PacketBuffer> frames) { lock (gate) inner.Release(frames); }
        public void Flush() { lock (gate) inner.Flush(); }
        public Span<byte> Data(PacketBuffer frame) { lock (gate) return inner.Data(frame); }
        public void Dispose() { lock (gate) inner.Dispose(); }
    }

    /// <summary>The server's idle wait: a short sleep the test cuts short whenever it has sent frames.</summary>
    private sealed class Waiter : IIdleWaiter
    {
        private readonly SemaphoreSlim _signal = new(0, 1);
        public void Wait(int timeoutMs) { if (timeoutMs != 0) _signal.Wait(Math.Min(timeoutMs, 5)); }
        public void Wake() { if (_signal.CurrentCount == 0) try { _signal.Release(); } catch (SemaphoreFullException) { } }
        public bool Watch(int fd) => false;
        public void Dispose() => _signal.Dispose();
    }

    private sealed class RealClock : IClock
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        public long NowMicroseconds => 1_000_000 + _watch.ElapsedTicks * 1_000_000 / Stopwatch.Frequency;
    }

    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(0.05, 2)]
    [InlineData(0.10, 3)]
    public void A_pipelined_resp_workload_gets_every_reply_byte_exact(double loss, int seed)
    {
        var clock = new RealClock();
        var gate = new object();
        var faults = new FaultOptions { Seed = seed, Drop = loss, Reorder = loss, Duplicate = loss / 2 };
        var (a, b) = SimulatedVf.CreatePair(frames: 2048);
        var clientFaults = new FaultInjector(a, faults, () => clock.NowMicroseconds);
        var serverFaults = new FaultInjector(b, faults with { Seed = seed + 100 }, () => clock.NowMicroseconds);
        var clientQueue = new Locked(clientFaults, gate);
        var serverQueue = new Locked(serverFaults, gate);
        var config = new TcpConfig { InitialRto = 50 * TcpConfig.Millisecond, MinRto = 20 * TcpConfig.Millisecond, MaxRto = TcpConfig.Second, MaxRetransmissions = 40 };
        var waiter = new Waiter();
        var source = new NicConnectionSource(serverQueue, new NetInterface(new InterfaceConfig(OurMac, Us, Dedicated: true)), Port, config, clock, waiter);
        using var server = new ArrakisServer(new ServerOptions { Threads = 1 }, _ => source);
        server.Start();
        var client = new ClientStack(clientQueue, new NetInterface(new InterfaceConfig(PeerMac, Peer, Dedicated: true)), config);

        var random = new Random(seed);
        var sessions = new List<(TcpSocket Socket, byte[] Request, byte[] Expected, MemoryStream Got)>();
        for (int c = 0; c < 8; c++)
        {
            var request = new StringBuilder();
            var expected = new StringBuilder();
            var list = new List<string>();
            for (int i = 0; i < 150; i++)
            {
                string key = $"k{c}:{i}", value = new string((char)('a' + random.Next(26)), random.Next(1, 3000));
                Command(request, "SET", key, value); expected.Append("+OK\r\n");
                Command(request, "GET", key); expected.Append($"${value.Length}\r\n{value}\r\n");
                Command(request, "INCR", $"n{c}"); expected.Append($":{i + 1}\r\n");
                string item = $"{c}-{i}";
                Command(request, "LPUSH", $"l{c}", item); expected.Append($":{i + 1}\r\n");
                list.Insert(0, item);
            }
            Command(request, "LRANGE", $"l{c}", "0", "-1");
            expected.Append($"*{list.Count}\r\n");
            foreach (var item in list) expected.Append($"${item.Length}\r\n{item}\r\n");
            var socket = client.Connect((ushort)(41000 + c), new TcpEndpoint(Us, Port), clock.NowMicroseconds);
            sessions.Add((socket, Encoding.ASCII.GetBytes(request.ToString()), Encoding.ASCII.GetBytes(expected.ToString()), new MemoryStream()));
        }

        var sent = new int[sessions.Count];
        var buffer = new byte[16384];
        var deadline = Stopwatch.StartNew();
        while (sessions.Any(s => s.Got.Length < s.Expected.Length) && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            for (int i = 0; i < sessions.Count; i++)
            {
                var (socket, request, _, got) = sessions[i];
                if (socket.State is not (TcpState.Established or TcpState.CloseWait)) continue;
                if (sent[i] < request.Length) sent[i] += socket.Send(request.AsSpan(sent[i]));
                int n;
                while ((n = socket.Receive(buffer)) > 0) got.Write(buffer, 0, n);
            }
            client.Step(clock.NowMicroseconds);
            waiter.Wake();
            Thread.Sleep(0);
        }
        foreach (var (socket, _, expected, got) in sessions)
        {
            Assert.True(got.Length == expected.Length, $"{got.Length} of {expected.Length} reply bytes after {deadline.Elapsed} (client {socket.State}, {socket.Retransmissions} retransmissions)");
            Assert.True(expected.AsSpan().SequenceEqual(got.ToArray()), "the replies differ");
        }
        if (loss > 0) Assert.True(clientFaults.Dropped > 0 && serverFaults.Dropped > 0 && sessions.Sum(s => s.Socket.Retransmissions) > 0, "the link lost nothing");
    }

    private static void Command(StringBuilder sb, params string[] args)
    {
        sb.Append('*').Append(args.Length).Append("\r\n");
        foreach (var a in args) sb.Append('$').Append(a.Length).Append("\r\n").Append(a).Append("\r\n");
    }
}
