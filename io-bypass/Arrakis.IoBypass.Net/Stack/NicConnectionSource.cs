using Arrakis.IoBypass.Net.Iface;
using Arrakis.IoBypass.Net.Tcp;
using Arrakis.IoBypass.Net.Wire;
using Arrakis.IoBypass.Nic;
using Arrakis.IoBypass.Transport;

namespace Arrakis.IoBypass.Net.Stack;

/// <summary>
/// The user-space TCP/IP stack as a data-plane network source: one NIC queue, one interface
/// (<see cref="NetInterface"/>), TCP sockets listening on one port and the connections they become. Poll
/// receives a burst of frames (ARP and ICMP answered in place, TCP demultiplexed by 4-tuple, a segment no
/// socket takes answered with a reset) and reports connection events level-triggered, as epoll does;
/// Receive/Send move bytes through the sockets' rings; <see cref="Flush"/> sends what the sockets have
/// to send (data, ACKs, retransmissions: every socket is dispatched) with one transmit kick; and
/// <see cref="NextTimerMs"/> is the earliest socket timer.
/// </summary>
/// <remarks>
/// One owning thread (IConnectionSource's contract). Allocation happens per connection (its socket and
/// rings), never per frame or per byte. The listen backlog is a fixed number of listening sockets
/// (smoltcp's model): a SYN finding none is dropped (the peer retries).
/// </remarks>
internal sealed class NicConnectionSource : IConnectionSource
{
    private const int HeadroomForHeaders = 14 + 20 + 60; // Ethernet + IPv4 + the largest TCP header
    private readonly INicQueue _queue;
    private readonly NetInterface _iface;
    private readonly TcpEndpoint _local;
    private readonly TcpConfig _config;
    private readonly IClock _clock;
    private readonly IIdleWaiter _waiter;
    private readonly int _backlog;
    private readonly List<TcpSocket> _listeners = new();
    private readonly Dictionary<(uint Address, ushort Port), StackConnection> _byRemote = new();
    private readonly Dictionary<long, StackConnection> _byId = new();
    private readonly List<StackConnection> _scratch = new();
    private readonly List<(Ipv4Address To, TcpRepr Reset)> _resets = new();
    private readonly PacketBuffer[] _burst = new PacketBuffer[64];
    private readonly PacketBuffer[] _one = new PacketBuffer[1];
    private readonly Dictionary<uint, long> _arpSentAt = new();
    private long _nextId = 1;

    public NicConnectionSource(INicQueue queue, NetInterface iface, ushort port, TcpConfig config, IClock clock, IIdleWaiter waiter, int backlog = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(backlog);
        _queue = queue;
        _iface = iface;
        _local = new TcpEndpoint(iface.Config.Address, port);
        _config = config;
        _clock = clock;
        _waiter = waiter;
        _backlog = backlog;
        for (int i = 0; i < backlog; i++) _listeners.Add(NewListener());
    }

    public string Name => $"user-space TCP on {_queue.Name}";

    /// <summary>Segments answered with a reset (no socket took them), and SYNs dropped for a full backlog.</summary>
    public long ResetsSent { get; private set; }

    public long SynsDropped { get; private set; }

    public int Connections => _byRemote.Count;

    public int Poll(Span<ConnectionEvent> events, int timeoutMs)
    {
        ReceiveBurst();
        int n = CollectEvents(events);
        if (n > 0 || timeoutMs == 0) return n;
        _waiter.Wait(timeoutMs); // the loop bounded it by NextTimerMs already (IConnectionSource's contract)
        ReceiveBurst();
        return CollectEvents(events);
    }

    public int Receive(long connection, Span<byte> buffer)
    {
        if (!_byId.TryGetValue(connection, out var c)) return -Errno.EPIPE;
        int n = c.Socket.Receive(buffer);
        if (n > 0) return n;
        if (c.Socket.IsReceiveFinished) return 0;
        if (c.Socket.State == TcpState.Closed) return c.Socket.CloseReason == TcpCloseReason.Reset ? -Errno.ECONNRESET : 0;
        return -Errno.EAGAIN;
    }

    public int Send(long connection, ReadOnlySpan<byte> data)
    {
        if (!_byId.TryGetValue(connection, out var c)) return -Errno.EPIPE;
        if (!c.Socket.CanSend) return c.Socket.CloseReason == TcpCloseReason.Reset ? -Errno.ECONNRESET : -Errno.EPIPE;
        int n = c.Socket.Send(data);
        return n > 0 ? n : -Errno.EAGAIN;
    }

    public void SetInterest(long connection, bool readable, bool writable)
    {
        if (!_byId.TryGetValue(connection, out var c)) return;
        c.WantsReadable = readable;
        c.WantsWritable = writable;
    }

    /// <summary>Closes the connection for the loop: a FIN follows what was queued (the socket finishes on its own).</summary>
    public void Close(long connection)
    {
        if (!_byId.Remove(connection, out var c)) return;
        c.ClosedByLoop = true;
        c.Socket.Close();
    }

    public (string Remote, string Local) DescribeEndpoints(long connection) =>
        _byId.TryGetValue(connection, out var c) ? (c.Socket.Remote.ToString(), c.Socket.Local.ToString()) : ("?", _local.ToString());

    public void Wake() => _waiter.Wake();

    public bool WatchSignal(int eventFd) => _waiter.Watch(eventFd);

    public void Flush()
    {
        long now = _clock.NowMicroseconds;
        foreach (var (to, reset) in _resets) SendSegment(reset, to, default, now);
        _resets.Clear();
        _scratch.Clear();
        foreach (var c in _byRemote.Values)
        {
            DispatchAll(c.Socket, now);
            // Gone for good: closed by the loop (or never handed to it) and finished on the wire.
            if (c.Socket.State == TcpState.Closed && (c.ClosedByLoop || !c.Announced)) _scratch.Add(c);
        }
        foreach (var c in _scratch) Forget(c);
        _queue.Flush();
    }

    public long NextTimerMs
    {
        get
        {
            long now = _clock.NowMicroseconds;
            long earliest = TcpSocket.Never;
            foreach (var c in _byRemote.Values) earliest = Math.Min(earliest, c.Socket.PollAt(now));
            if (earliest == TcpSocket.Never) return long.MaxValue;
            return Environment.TickCount64 + Math.Max(0, (earliest - now + 999) / 1000);
        }
    }

    private void Forget(StackConnection c)
    {
        _byRemote.Remove((c.Socket.Remote.Address.Value, c.Socket.Remote.Port));
        _byId.Remove(c.Id);
    }

    private TcpSocket NewListener()
    {
        var s = new TcpSocket(_config);
        s.Listen(_local);
        return s;
    }

    private void ReceiveBurst()
    {
        long now = _clock.NowMicroseconds;
        int n;
        while ((n = _queue.RxBurst(_burst)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                var frame = _burst[i];
                var data = _queue.Data(frame);
                var action = _iface.Receive(data, frame.Length, now / 1000, out var tcp, out int replyLength);
                if (action == RxAction.Transmit)
                {
                    _one[0] = frame.WithLength(replyLength);
                    if (_queue.TxBurst(_one) == 1) continue;
                }
                else if (action == RxAction.DeliverTcp)
                {
                    Deliver(tcp, data.Slice(tcp.PayloadOffset, tcp.PayloadLength), now);
                }
                _one[0] = frame;
                _queue.Release(_one);
            }
            if (n < _burst.Length) break;
        }
    }

    private void Deliver(in TcpIngress tcp, ReadOnlySpan<byte> payload, long now)
    {
        var key = (tcp.Source.Value, tcp.Repr.SourcePort);
        if (tcp.Repr.DestinationPort != _local.Port)
        {
            QueueReset(tcp);
            return;
        }
        if (_byRemote.TryGetValue(key, out var c))
        {
            var r = c.Socket.Process(now, tcp.Source, tcp.Destination, tcp.Repr, payload);
            if (r == TcpInput.ResetPeer) QueueReset(tcp);
            if (r != TcpInput.NotForThisSocket && r != TcpInput.Reopen) return;
            // The old connection is over (TIME-WAIT reopened, or closed): a listener takes the segment.
            if (c.Socket.State == TcpState.Closed && (c.ClosedByLoop || !c.Announced)) Forget(c);
            else if (r == TcpInput.NotForThisSocket)
            {
                QueueReset(tcp);
                return;
            }
        }
        for (int i = 0; i < _listeners.Count; i++)
        {
            var l = _listeners[i];
            var r = l.Process(now, tcp.Source, tcp.Destination, tcp.Repr, payload);
            if (r == TcpInput.NotForThisSocket) continue;
            if (r == TcpInput.ResetPeer) QueueReset(tcp);
            if (l.State != TcpState.Listen && l.State != TcpState.Closed && !_byRemote.ContainsKey(key))
            {
                var conn = new StackConnection(_nextId++, l);
                _byRemote[key] = conn;
                _byId[conn.Id] = conn;
                _listeners[i] = NewListener();
            }
            return;
        }
        if ((tcp.Repr.Flags & TcpFlags.Syn) != 0 && (tcp.Repr.Flags & TcpFlags.Ack) == 0) SynsDropped++;
        else QueueReset(tcp);
    }

    private void QueueReset(in TcpIngress tcp)
    {
        if (!TcpReset.TryAnswer(tcp.Repr, out var reset)) return;
        _resets.Add((tcp.Source, reset));
        ResetsSent++;
    }

    private int CollectEvents(Span<ConnectionEvent> events)
    {
        int n = 0;
        foreach (var c in _byId.Values)
        {
            if (n >= events.Length) break;
            var s = c.Socket;
            if (!c.Announced)
            {
                if (s.State is TcpState.SynReceived or TcpState.Listen or TcpState.SynSent) continue;
                c.Announced = true;
                events[n++] = new ConnectionEvent(ConnectionEventKind.Accepted, c.Id);
                continue;
            }
            bool readable = s.ReceiveQueueLength > 0 || s.IsReceiveFinished || s.State == TcpState.Closed;
            if (c.WantsReadable && readable) events[n++] = new ConnectionEvent(ConnectionEventKind.Readable, c.Id);
            else if (c.WantsWritable && (s.SendQueueLength < _config.SendBufferSize || !s.CanSend))
                events[n++] = new ConnectionEvent(ConnectionEventKind.Writable, c.Id);
        }
        return n;
    }

    private void DispatchAll(TcpSocket socket, long now)
    {
        if (socket.State is TcpState.Listen || socket.Remote.Address.IsUnspecified) return;
        if (!_iface.Neighbors.TryLookup(socket.Remote.Address, now / 1000, out _))
        {
            Resolve(socket.Remote.Address, now); // segments wait in the socket; its timers resend them
            return;
        }
        while (_queue.Allocate(_one) == 1)
        {
            var buffer = _one[0];
            var data = _queue.Data(buffer);
            var payloadArea = data[HeadroomForHeaders..];
            if (!socket.TryDispatch(now, payloadArea, out var segment))
            {
                _queue.Release(_one);
                return;
            }
            if (!Transmit(buffer, data, segment, socket.Remote.Address, payloadArea[..segment.PayloadLength], now)) return;
        }
    }

    /// <summary>An ARP request for <paramref name="address"/>, at most one a second.</summary>
    private void Resolve(Ipv4Address address, long now)
    {
        if (_arpSentAt.TryGetValue(address.Value, out long at) && now - at < TcpConfig.Second) return;
        if (_queue.Allocate(_one) != 1) return;
        _arpSentAt[address.Value] = now;
        int length = _iface.EmitArpRequest(_queue.Data(_one[0]), address);
        _one[0] = _one[0].WithLength(length);
        if (_queue.TxBurst(_one) == 0) _queue.Release(_one);
    }

    private void SendSegment(in TcpRepr segment, Ipv4Address to, ReadOnlySpan<byte> payload, long now)
    {
        if (_queue.Allocate(_one) != 1) return;
        Transmit(_one[0], _queue.Data(_one[0]), segment, to, payload, now);
    }

    /// <summary>Builds the frame in <paramref name="buffer"/> and queues it; false when the ring is full (TCP retransmits later).</summary>
    private bool Transmit(PacketBuffer buffer, Span<byte> data, in TcpRepr segment, Ipv4Address to, ReadOnlySpan<byte> payload, long now)
    {
        int length = _iface.EmitTcp(data, segment, to, payload, now / 1000);
        if (length == 0)
        {
            _one[0] = buffer; // neighbour unknown (a reset to a stranger): resolve it; TCP resends on its own
            _queue.Release(_one);
            Resolve(to, now);
            return false;
        }
        _one[0] = buffer.WithLength(length);
        if (_queue.TxBurst(_one) == 1) return true;
        _queue.Release(_one);
        return false;
    }

    public void Dispose()
    {
        _waiter.Dispose();
        _queue.Dispose();
    }
}
