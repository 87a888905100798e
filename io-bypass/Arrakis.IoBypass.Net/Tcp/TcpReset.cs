using Arrakis.IoBypass.Net.Wire;

namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>
/// The reset answering a segment that no connection takes (RFC 9293 §3.10.7.1 "CLOSED" state, and the
/// LISTEN / SYN-SENT / SYN-RECEIVED rules that say "form a reset"). Pure functions, any thread.
/// </summary>
internal static class TcpReset
{
    /// <summary>
    /// The RST for <paramref name="incoming"/> (addresses swapped by the caller). False for an incoming RST,
    /// which is never answered (RFC 9293 §3.10.7.1: "An incoming segment containing a RST is discarded").
    /// With ACK: &lt;SEQ=SEG.ACK&gt;&lt;CTL=RST&gt;; without: &lt;SEQ=0&gt;&lt;ACK=SEG.SEQ+SEG.LEN&gt;&lt;CTL=RST,ACK&gt;
    /// where SEG.LEN counts SYN and FIN (§3.10.7.1).
    /// </summary>
    public static bool TryAnswer(in TcpRepr incoming, out TcpRepr reset)
    {
        reset = default;
        if ((incoming.Flags & TcpFlags.Rst) != 0) return false;
        if ((incoming.Flags & TcpFlags.Ack) != 0)
        {
            reset = new TcpRepr
            {
                SourcePort = incoming.DestinationPort,
                DestinationPort = incoming.SourcePort,
                SequenceNumber = incoming.AcknowledgmentNumber,
                Flags = TcpFlags.Rst,
            };
            return true;
        }
        int length = incoming.PayloadLength
            + ((incoming.Flags & TcpFlags.Syn) != 0 ? 1 : 0)
            + ((incoming.Flags & TcpFlags.Fin) != 0 ? 1 : 0);
        reset = new TcpRepr
        {
            SourcePort = incoming.DestinationPort,
            DestinationPort = incoming.SourcePort,
            SequenceNumber = 0,
            AcknowledgmentNumber = unchecked(incoming.SequenceNumber + (uint)length),
            Flags = TcpFlags.Rst | TcpFlags.Ack,
        };
        return true;
    }
}
