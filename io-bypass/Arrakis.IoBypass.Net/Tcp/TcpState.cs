namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>The connection states of RFC 9293 §3.3.2 (Figure 5).</summary>
internal enum TcpState : byte
{
    Closed,
    Listen,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
}
