using Arrakis.IoBypass.Net.Tcp;

namespace Arrakis.IoBypass.Net.Stack;

/// <summary>One connection of a <see cref="NicConnectionSource"/>: its socket and what the loop asked to hear about.</summary>
internal sealed class StackConnection(long id, TcpSocket socket)
{
    public long Id { get; } = id;
    public TcpSocket Socket { get; } = socket;
    public bool WantsReadable { get; set; } = true;
    public bool WantsWritable { get; set; }

    /// <summary>The loop was told about it (Accepted): from then on it is the loop's until Close.</summary>
    public bool Announced { get; set; }

    /// <summary>Counted among the half-open connections (SYN-RECEIVED, taken from the listening socket).</summary>
    public bool HalfOpen { get; set; }

    /// <summary>Listed to be dispatched at the next Flush.</summary>
    public bool Dirty { get; set; }

    /// <summary>Listed to be looked at for events at the next Poll.</summary>
    public bool Candidate { get; set; }

    /// <summary>The deadline filed in the timer heap (<see cref="TcpSocket.Never"/>: none).</summary>
    public long ScheduledAt { get; set; } = TcpSocket.Never;

    /// <summary>No longer known to the source (entries in its lists and heap are skipped).</summary>
    public bool Forgotten { get; set; }

    /// <summary>The loop closed it; the socket finishes its FIN exchange (or TIME-WAIT) on its own.</summary>
    public bool ClosedByLoop { get; set; }
}
