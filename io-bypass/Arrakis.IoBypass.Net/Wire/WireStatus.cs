namespace Arrakis.IoBypass.Net.Wire;

/// <summary>
/// What a checked constructor (<c>TryNew</c>) or a <c>TryParse</c> made of untrusted bytes. Parsers
/// report with this enum and never throw for bad input; a data path counts the non-<see cref="Ok"/>
/// values and drops the packet.
/// </summary>
internal enum WireStatus : byte
{
    /// <summary>The bytes are well formed; the out value is valid.</summary>
    Ok = 0,

    /// <summary>The buffer is shorter than the fixed header or than a length field inside it says.</summary>
    Truncated,

    /// <summary>A version field holds a value this parser does not speak (IPv4: not 4).</summary>
    BadVersion,

    /// <summary>A header length field is below the format's minimum (IPv4 IHL &lt; 5, TCP data offset &lt; 5),
    /// or a total length is shorter than the header it contains.</summary>
    BadLength,

    /// <summary>The internet checksum (RFC 1071) does not verify.</summary>
    BadChecksum,

    /// <summary>A TCP option has an illegal length (RFC 9293 §3.2, MUST-7: zero, one, past the header, or wrong for its kind).</summary>
    BadOption,

    /// <summary>A field holds a reserved value (TCP port 0).</summary>
    BadField,

    /// <summary>Well formed, but a variant this stack does not handle (ARP other than Ethernet/IPv4
    /// request/reply, ICMP other than echo, IEEE 802.3 length frames).</summary>
    Unsupported,
}
