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
/// socket takes answered with a reset, SYNs beyond the half-open budget answered with SYN cookies) and
/// reports connection events level-triggered, as epoll does;
/// Receive/Send move bytes through the sockets' rings; <see cref="Flush"/> sends what the sockets have
/// to send (data, ACKs, retransmissions) with one transmit kick; and <see cref="NextTimerMs"/> is the
/// earliest socket timer.
/// </summary>
/// <remarks>
/// One owning thread (IConnectionSource's contract). Allocation happens per connection (its socket and
/// rings), never per frame or per byte. A SYN turns the listening socket into a half-open connection
/// (smoltcp's model: a new listening socket takes its place) until <c>backlog</c> of them wait for their
/// handshake's last ACK; from then on, as under a SYN flood, SYNs are answered statelessly with SYN cookies
/// (RFC 4987 §3.6, <see cref="SynCookies"/>) and cost no memory until the peer's ACK proves its address.
/// <para>
/// Work is proportional to what happens, not to the connections held (thousands of idle pooled clients
/// are common): a connection is dispatched in <see cref="Flush"/> only when something touched it (a
/// segment arrived, the loop sent, read or closed) or its earliest timer is due (a min-heap of
/// deadlines, <see cref="TcpSocket.PollAt"/>); events are looked for only on connections whose readiness
/// may have changed, plus those reported last time (level-triggered: reported again while still ready).
/// </para>
/// </remarks>
internal sealed class NicConnectionSource : IConnectionSource
{
    private const int HeadroomForHeaders = 14 + 20 + 60; // Ethernet + IPv4 + the largest TCP header
    private const int MaxPendingResolutions = 4096;
    private readonly INicQueue _queue;
    private readonly NetInterface _iface;
    private readonly TcpEndpoint _local;
    private readonly TcpConfig _config;
    private readonly IClock _clock;
    private readonly IIdleWaiter _waiter;
    private readonly int _backlog;
    private readonly TcpSocket _responder; // builds the stateless SYN-ACKs of SYN cookies
    private TcpSocket _listener;
    private int _halfOpen;
    private long _lastCookieAt = long.MinValue / 2;
    private readonly Dictionary<(uint Address, ushort Port), StackConnection> _byRemote = new();
    private readonly Dictionary<long, StackConnection> _byId = new();
    private readonly List<StackConnection> _scratch = new();
    private readonly List<StackConnection> _dirty = new();       // to dispatch at the next Flush
    private readonly List<StackConnection> _candidates = new();  // readiness may have changed, or reported last time
    private readonly PriorityQueue<StackConnection, long> _timers = new(); // (connection, deadline); stale entries skipped
    private readonly List<(Ipv4Address To, TcpRepr Segment)> _stateless = new(); // resets and cookie SYN-ACKs
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
        _listener = NewListener();
        _responder = NewListener();
    }

    public string Name => $"user-space TCP on {_queue.Name}";

    /// <summary>Segments answered with a reset (no socket took them).</summary>
    public long ResetsSent { get; private set; }

    /// <summary>SYNs answered with a SYN cookie (the half-open budget was full), and handshakes completed from one.</summary>
    public long SynCookiesSent { get; private set; }

    public long SynCookiesAccepted { get; private set; }

    /// <summary>Connections the stack holds, half-open ones included.</summary>
    public int Connections => _byRemote.Count;

    /// <summary>Connections waiting for the last ACK of their handshake (SYN-RECEIVED).</summary>
    public int HalfOpen => _halfOpen;

    public IReadOnlyList<(string Name, long Value)> Counters
    {
        get
        {
            var q = _queue.Stats;
            var i = _iface.Counters;
            return
            [
                ("connections", _byRemote.Count),
                ("half_open", _halfOpen),
                ("resets_sent", ResetsSent),
                ("syncookies_sent", SynCookiesSent),
                ("syncookies_accepted", SynCookiesAccepted),
                ("rx_frames", q.RxFrames),
                ("tx_frames", q.TxFrames),
                ("rx_dropped_by_kernel", q.RxDropped),
                ("tx_ring_full", q.TxRingFull),
                ("tx_kicks", q.Wakeups),
                ("rx_malformed", i.Malformed),
                ("rx_bad_checksum", i.BadChecksum),
                ("rx_fragments", i.Fragments),
                ("rx_unsupported", i.Unsupported),
                ("arp_requests_answered", i.ArpRequestsAnswered),
                ("echo_requests_answered", i.EchoRequestsAnswered),
            ];
        }
    }

    /// <summary>Connections dispatched by <see cref="Flush"/> so far (for tests: idle connections must cost nothing).</summary>
    internal long Dispatched { get; private set; }

    public int Poll(Span<ConnectionEvent> events, int timeoutMs)
    {
        ReceiveBurst();
        int n = CollectEvents(events);
        if (n > 0 || timeoutMs == 0) return n;
        // What arrived since the loop's last Flush may owe an answer (a SYN-ACK, an ACK): send it before sleeping,
        // and wake for the deadlines it filed (the loop bounded the wait by the earlier NextTimerMs).
        if (_dirty.Count > 0 || _stateless.Count > 0)
        {
            Flush();
            long next = NextTimerMs;
            if (next != long.MaxValue) timeoutMs = (int)Math.Clamp(next - Environment.TickCount64, 0, timeoutMs < 0 ? int.MaxValue : timeoutMs);
        }
        _waiter.Wait(timeoutMs);
        ReceiveBurst();
        return CollectEvents(events);
    }

    public int Receive(long connection, Span<byte> buffer)
    {
        if (!_byId.TryGetValue(connection, out var c)) return -Errno.EPIPE;
        int n = c.Socket.Receive(buffer);
        if (n > 0)
        {
            MarkDirty(c); // reading may open the window enough to announce it
            return n;
        }
        if (c.Socket.IsReceiveFinished) return 0;
        if (c.Socket.State == TcpState.Closed) return c.Socket.CloseReason == TcpCloseReason.Reset ? -Errno.ECONNRESET : 0;
        return -Errno.EAGAIN;
    }

    public int Send(long connection, ReadOnlySpan<byte> data)
    {
        if (!_byId.TryGetValue(connection, out var c)) return -Errno.EPIPE;
        if (!c.Socket.CanSend) return c.Socket.CloseReason == TcpCloseReason.Reset ? -Errno.ECONNRESET : -Errno.EPIPE;
        int n = c.Socket.Send(data);
        if (n <= 0) return -Errno.EAGAIN;
        MarkDirty(c);
        return n;
    }

    public void SetInterest(long connection, bool readable, bool writable)
    {
        if (!_byId.TryGetValue(connection, out var c)) return;
        c.WantsReadable = readable;
        c.WantsWritable = writable;
        MarkCandidate(c);
    }

    /// <summary>Closes the connection for the loop: a FIN follows what was queued (the socket finishes on its own).</summary>
    public void Close(long connection)
    {
        if (!_byId.Remove(connection, out var c)) return;
        c.ClosedByLoop = true;
        c.Socket.Close();
        MarkDirty(c);
    }

    public (string Remote, string Local) DescribeEndpoints(long connection) =>
        _byId.TryGetValue(connection, out var c) ? (c.Socket.Remote.ToString(), c.Socket.Local.ToString()) : ("?", _local.ToString());

    public void Wake() => _waiter.Wake();

    public bool WatchSignal(int eventFd) => _waiter.Watch(eventFd);

    public void Flush()
    {
        long now = _clock.NowMicroseconds;
        foreach (var (to, segment) in _stateless) SendSegment(segment, to, default, now);
        _stateless.Clear();
        while (_timers.TryPeek(out var due, out long at) && at <= now)
        {
            _timers.Dequeue();
            if (due.ScheduledAt != at || due.Forgotten) continue; // rescheduled since, or gone
            due.ScheduledAt = TcpSocket.Never;
            MarkDirty(due);
        }
        _scratch.Clear();
        for (int i = 0; i < _dirty.Count; i++)
        {
            var c = _dirty[i];
            c.Dirty = false;
            if (c.Forgotten) continue;
            DispatchAll(c.Socket, now);
            Dispatched++;
            MarkCandidate(c); // its timers may have changed its state (a connection that timed out is readable)
            Schedule(c, now);
            // Gone for good: closed by the loop (or never handed to it) and finished on the wire; or a half-open
            // one that a reset sent back to LISTEN (RFC 9293 §3.10.7.4), which the listening socket stands for.
            var state = c.Socket.State;
            if ((state == TcpState.Closed && (c.ClosedByLoop || !c.Announced)) || (state == TcpState.Listen && !c.Announced)) _scratch.Add(c);
        }
        _dirty.Clear();
        foreach (var c in _scratch) Forget(c);
        // Stale heap entries (a deadline moved) leave at their old time; a heap far larger than the connections
        // is rebuilt so that rescheduling often (a busy connection's RTO) cannot grow it.
        if (_timers.Count > 4 * _byRemote.Count + 1024) RebuildTimers();
        _queue.Flush();
    }

    public long NextTimerMs
    {
        get
        {
            long now = _clock.NowMicroseconds;
            if (_dirty.Count > 0) return Environment.TickCount64;
            long earliest = TcpSocket.Never;
            while (_timers.TryPeek(out var c, out long at))
            {
                if (c.ScheduledAt == at && !c.Forgotten)
                {
                    earliest = at;
                    break;
                }
                _timers.Dequeue(); // stale
            }
            if (earliest == TcpSocket.Never) return long.MaxValue;
            return Environment.TickCount64 + Math.Max(0, (earliest - now + 999) / 1000);
        }
    }

    /// <summary>For tests and fuzzing: null when the bookkeeping is consistent, else what is wrong.</summary>
    internal string? InvariantViolation()
    {
        if (_listener.State != TcpState.Listen) return $"the listening socket is {_listener.State}";
        int halfOpen = 0;
        foreach (var ((address, port), c) in _byRemote)
        {
            if (c.Socket.State != TcpState.Listen && (c.Socket.Remote.Address.Value != address || c.Socket.Remote.Port != port))
                return $"connection {c.Id} is filed under {new Ipv4Address(address)}:{port} but talks to {c.Socket.Remote}";
            if (c.HalfOpen) halfOpen++;
            if (c.Socket.InvariantViolation() is string v) return $"connection {c.Id} ({c.Socket.Remote}): {v}";
        }
        if (halfOpen != _halfOpen) return $"{_halfOpen} half-open counted, {halfOpen} marked";
        long now = _clock.NowMicroseconds;
        foreach (var c in _byRemote.Values)
        {
            // Between flushes, an untouched connection's deadline cannot come before the one filed in the heap.
            if (!c.Dirty && c.Socket.PollAt(now) < c.ScheduledAt) return $"connection {c.Id} is due at {c.Socket.PollAt(now)} but filed for {c.ScheduledAt}";
        }
        if (_halfOpen > _backlog) return $"{_halfOpen} half-open connections over a backlog of {_backlog}";
        foreach (var c in _byId.Values)
        {
            if (!_byRemote.TryGetValue((c.Socket.Remote.Address.Value, c.Socket.Remote.Port), out var filed) || filed != c)
                return $"connection {c.Id} is known to the loop but not to the demultiplexer";
        }
        return null;
    }

    private void Forget(StackConnection c)
    {
        _byRemote.Remove((c.Socket.Remote.Address.Value, c.Socket.Remote.Port));
        _byId.Remove(c.Id);
        LeaveHalfOpen(c);
        c.Forgotten = true;
        c.ScheduledAt = TcpSocket.Never;
    }

    private void MarkDirty(StackConnection c)
    {
        if (c.Dirty || c.Forgotten) return;
        c.Dirty = true;
        _dirty.Add(c);
    }

    private void MarkCandidate(StackConnection c)
    {
        if (c.Candidate || c.Forgotten) return;
        c.Candidate = true;
        _candidates.Add(c);
    }

    /// <summary>Files the connection's earliest deadline in the heap (the old entry, if any, becomes stale).</summary>
    private void Schedule(StackConnection c, long now)
    {
        long at = c.Socket.PollAt(now);
        if (at == c.ScheduledAt) return;
        c.ScheduledAt = at;
        if (at != TcpSocket.Never) _timers.Enqueue(c, at);
    }

    private void RebuildTimers()
    {
        _timers.Clear();
        foreach (var c in _byRemote.Values)
        {
            if (c.ScheduledAt != TcpSocket.Never) _timers.Enqueue(c, c.ScheduledAt);
        }
    }

    private void Register(StackConnection c, (uint, ushort) key)
    {
        _byRemote[key] = c;
        _byId[c.Id] = c;
        if (c.HalfOpen) _halfOpen++;
        MarkDirty(c);
        MarkCandidate(c);
    }

    private void LeaveHalfOpen(StackConnection c)
    {
        if (!c.HalfOpen) return;
        c.HalfOpen = false;
        _halfOpen--;
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
        // A half-open connection that a reset sent back to LISTEN is over; the listening socket takes what comes.
        if (_byRemote.TryGetValue(key, out var c) && c.Socket.State == TcpState.Listen && !c.Announced) Forget(c);
        else if (c is not null)
        {
            var r = c.Socket.Process(now, tcp.Source, tcp.Destination, tcp.Repr, payload);
            MarkDirty(c);
            MarkCandidate(c);
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
        // Only a 4-tuple no connection holds goes on to the listening socket (which could not file it otherwise).
        if (_byRemote.ContainsKey(key)) return;
        var flags = tcp.Repr.Flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst);
        // An ACK for no connection may complete a handshake answered with a cookie (checked only while cookies
        // were sent lately: at other times every such ACK is a stranger's and gets its reset).
        if (flags == TcpFlags.Ack && now - _lastCookieAt <= 2 * SynCookies.Period && TryResumeFromCookie(tcp, payload, key, now)) return;
        if (flags == TcpFlags.Syn && _halfOpen >= _backlog)
        {
            AnswerWithCookie(tcp, payload, now);
            return;
        }
        var taken = _listener.Process(now, tcp.Source, tcp.Destination, tcp.Repr, payload);
        if (taken is TcpInput.ResetPeer or TcpInput.NotForThisSocket) QueueReset(tcp);
        if (_listener.State == TcpState.SynReceived)
        {
            Register(new StackConnection(_nextId++, _listener) { HalfOpen = true }, key);
            _listener = NewListener();
        }
    }

    /// <summary>RFC 4987 §3.6: the SYN-ACK the listening socket would send, with the cookie as its ISS; no state kept.</summary>
    private void AnswerWithCookie(in TcpIngress tcp, ReadOnlySpan<byte> payload, long now)
    {
        var remote = new TcpEndpoint(tcp.Source, tcp.Repr.SourcePort);
        var local = new TcpEndpoint(tcp.Destination, tcp.Repr.DestinationPort);
        var r = _responder.Process(now, tcp.Source, tcp.Destination, tcp.Repr, payload);
        if (r != TcpInput.Accepted) return; // a SYN the listening socket drops (SYN+FIN) is dropped here too
        var iss = SynCookies.Make(_config.IsnSecret.Span, now, local, remote, tcp.Repr);
        if (!_responder.TryAnswerStatelessly(now, iss, out var synAck)) return;
        _stateless.Add((tcp.Source, synAck));
        SynCookiesSent++;
        _lastCookieAt = now;
    }

    /// <summary>The ACK carries one of our cookies back: rebuild the connection it stands for and let it take the ACK.</summary>
    private bool TryResumeFromCookie(in TcpIngress tcp, ReadOnlySpan<byte> payload, (uint, ushort) key, long now)
    {
        var remote = new TcpEndpoint(tcp.Source, tcp.Repr.SourcePort);
        var local = new TcpEndpoint(tcp.Destination, tcp.Repr.DestinationPort);
        if (!SynCookies.TryCheck(_config.IsnSecret.Span, now, local, remote, tcp.Repr, out var syn, out var iss)) return false;
        var socket = NewListener();
        if (socket.Process(now, tcp.Source, tcp.Destination, syn, default) != TcpInput.Accepted) return false;
        if (!socket.ResumeAfterStatelessSynAck(now, iss)) return false;
        socket.Process(now, tcp.Source, tcp.Destination, tcp.Repr, payload);
        if (socket.State is not (TcpState.Established or TcpState.CloseWait)) return false;
        Register(new StackConnection(_nextId++, socket), key);
        SynCookiesAccepted++;
        return true;
    }

    private void QueueReset(in TcpIngress tcp)
    {
        if (!TcpReset.TryAnswer(tcp.Repr, out var reset)) return;
        _stateless.Add((tcp.Source, reset));
        ResetsSent++;
    }

    /// <summary>
    /// Level-triggered events from the candidates: a connection stays a candidate while it is reported (still
    /// ready next time unless the loop drained it) and leaves once it is not ready; whatever can make it ready
    /// again (a segment, a dispatch, the loop changing its interest) makes it a candidate again.
    /// </summary>
    private int CollectEvents(Span<ConnectionEvent> events)
    {
        int n = 0, keep = 0;
        for (int i = 0; i < _candidates.Count; i++)
        {
            var c = _candidates[i];
            if (c.Forgotten || c.ClosedByLoop)
            {
                c.Candidate = false;
                continue;
            }
            if (n >= events.Length)
            {
                _candidates[keep++] = c; // no room this time: looked at next time
                continue;
            }
            var s = c.Socket;
            if (c.HalfOpen && s.State != TcpState.SynReceived) LeaveHalfOpen(c);
            bool reported = false;
            if (!c.Announced)
            {
                if (s.State is not (TcpState.SynReceived or TcpState.Listen or TcpState.SynSent))
                {
                    c.Announced = true;
                    events[n++] = new ConnectionEvent(ConnectionEventKind.Accepted, c.Id);
                    reported = true; // next time: whether it is readable already
                }
            }
            else
            {
                bool readable = s.ReceiveQueueLength > 0 || s.IsReceiveFinished || s.State == TcpState.Closed;
                if (c.WantsReadable && readable) events[n++] = new ConnectionEvent(ConnectionEventKind.Readable, c.Id);
                else if (c.WantsWritable && (s.SendQueueLength < _config.SendBufferSize || !s.CanSend))
                    events[n++] = new ConnectionEvent(ConnectionEventKind.Writable, c.Id);
                else
                {
                    c.Candidate = false;
                    continue;
                }
                reported = true;
            }
            if (reported) _candidates[keep++] = c;
            else c.Candidate = false;
        }
        _candidates.RemoveRange(keep, _candidates.Count - keep);
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
        // Spoofed sources (a SYN flood answered with cookies) must not grow the table without bound: past a
        // size, requests older than the rate limit are forgotten (they no longer hold anything back).
        if (_arpSentAt.Count >= MaxPendingResolutions)
        {
            foreach (var (ip, sentAt) in _arpSentAt)
            {
                if (now - sentAt >= TcpConfig.Second) _arpSentAt.Remove(ip);
            }
            if (_arpSentAt.Count >= MaxPendingResolutions) return;
        }
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
