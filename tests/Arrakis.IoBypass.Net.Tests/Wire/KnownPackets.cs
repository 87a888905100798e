namespace Arrakis.IoBypass.Net.Tests.Wire;

/// <summary>
/// Hand-assembled frames as they appear on the wire, checksums computed outside this code base (a
/// separate script summing 16-bit words) and re-checked in the tests with <see cref="SlowChecksum"/>.
/// Addresses: 02:00:00:00:00:01 / 10.0.0.1 is the client, 02:00:00:00:00:02 / 10.0.0.2 the server.
/// Each property returns a fresh copy.
/// </summary>
internal static class KnownPackets
{
    public const int EthernetHeader = 14;
    public const int Ipv4Header = 20;

    /// <summary>Ethernet broadcast + ARP request "who has 10.0.0.2? tell 10.0.0.1", padded to 60 bytes as Linux sends it.</summary>
    public static byte[] ArpRequestFrame => Convert.FromHexString(
        "ffffffffffff" + "020000000001" + "0806"
        + "0001" + "0800" + "06" + "04" + "0001" + "020000000001" + "0a000001" + "000000000000" + "0a000002"
        + new string('0', 36));

    /// <summary>
    /// A TCP SYN as Linux sends it: 10.0.0.1:54321 -> 10.0.0.2:6379, seq 0x12345678, window 64240, DF,
    /// TTL 64, IP id 0x1c46, options MSS 1460, SACK-permitted, timestamps (TSval 123456, TSecr 0), NOP,
    /// window scale 7. IPv4 checksum 0x0a74, TCP checksum 0x0102.
    /// </summary>
    public static byte[] TcpSynFrame => Convert.FromHexString(
        "020000000002" + "020000000001" + "0800"
        + "4500003c1c46400040060a740a0000010a000002"
        + "d43118eb1234567800000000a002faf001020000"
        + "020405b40402080a0001e240000000000103" + "0307");

    /// <summary>ICMP echo request (id 0x1234, seq 1, 48 data bytes: an 8-byte time stamp and the pattern 0x10..0x37, as ping -s 48 sends) 10.0.0.1 -> 10.0.0.2;
    /// IPv4 id 0xabcd, checksum 0x7ae1; ICMP checksum 0x8b76.</summary>
    public static byte[] IcmpEchoRequestFrame => Convert.FromHexString(
        "020000000002" + "020000000001" + "0800"
        + "4500004cabcd400040017ae10a0000010a000002"
        + "08008b76123400015f1a3c6700000000"
        + "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637");

    /// <summary>A TCP segment alone (no IP header): PSH|ACK 10.0.0.1:54321 -> 10.0.0.2:6379, seq 0x12345679,
    /// ack 0x9abcdef1, window 502, NOP NOP timestamps (123457, 123456), 9 data bytes "$3\r\nfoo\r\n"
    /// (odd: the checksum pads a zero byte). Checksum 0xbbfc.</summary>
    public static byte[] TcpDataSegment => Convert.FromHexString(
        "d43118eb123456799abcdef1801801f6bbfc0000" + "0101080a0001e2410001e240" + "24330d0a666f6f0d0a");

    /// <summary>The IPv4 header example widely used to teach the checksum (UDP 192.168.0.1 -> 192.168.0.199,
    /// total length 115, checksum 0xb861), followed by 95 zero bytes of payload.</summary>
    public static byte[] TextbookIpv4Packet => Convert.FromHexString(
        "450000730000400040 11b861c0a80001c0a800c7".Replace(" ", "") + new string('0', 190));

    public static readonly byte[] Client = [10, 0, 0, 1];
    public static readonly byte[] Server = [10, 0, 0, 2];
}
