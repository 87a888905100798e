using System.Buffers.Binary;
using System.Net;
using Arrakis.IoBypass.Linux.Interop.Bpf;
using Arrakis.IoBypass.Linux.Interop.Xdp;
using Arrakis.IoBypass.Linux.Interop;
using static Arrakis.IoBypass.Linux.Interop.Bpf.BpfConstants;
using static Arrakis.IoBypass.Linux.Xdp.BpfAssembler;

namespace Arrakis.IoBypass.Linux.Xdp;

/// <summary>
/// The hand-assembled XDP program that steers this server's traffic into the XSKMAP (slot = the frame's
/// rx_queue_index) and passes everything else to the kernel:
/// <list type="bullet">
/// <item>IPv4 (Ethernet II, no VLAN) TCP to <c>ip:port</c>, first fragments and unfragmented only;</item>
/// <item>dedicated mode also: ARP (Ethernet/IPv4 sizes) whose target protocol address is <c>ip</c>, and
/// ICMP echo requests to <c>ip</c>.</item>
/// </list>
/// The address, the port and the map fd are patched into the instructions at load time. Every packet
/// access is preceded by a bounds check against data_end (the verifier refuses the program otherwise).
/// Loaded values are little-endian loads of network-order bytes, so the constants compared are the
/// network-order bytes read as little-endian (e.g. EtherType 0x0800 compares as 0x0008).
/// Registers: r6 ctx, r2 data, r3 data_end, r4 a packet pointer being checked (data + IHL*4 for L4),
/// r5 the field under test, r7 the IPv4 protocol, r8 the end of the bytes about to be read; r0-r5 are
/// clobbered by the helper call, which comes last.
/// </summary>
internal static class XdpSteeringProgram
{
    // Offsets from the start of the frame.
    private const short EthTypeOff = 12;
    private const int EthLen = 14;
    private const short Ipv4VerIhlOff = EthLen + 0;
    private const short Ipv4FragOff = EthLen + 6;
    private const short Ipv4ProtoOff = EthLen + 9;
    private const short Ipv4DstOff = EthLen + 16;
    private const int Ipv4MinLen = 20;
    private const short ArpHlenPlenOff = EthLen + 4;
    private const short ArpTpaOff = EthLen + 24;
    private const int ArpLen = 28;

    // Network-order constants read as little-endian 16-bit loads.
    private const int EtherTypeIpv4Le = 0x0008;
    private const int EtherTypeArpLe = 0x0608;
    private const int ArpHlen6Plen4Le = 0x0406;
    /// <summary>Fragment offset bits of the flags+offset word (bytes [R DF MF o12..o8][o7..o0]) as a little-endian load.</summary>
    private const int FragOffsetMaskLe = 0xff1f;
    private const int IpProtoTcp = 6;
    private const int IpProtoIcmp = 1;
    private const int IcmpEchoRequest = 8;

    /// <summary>
    /// The program for <paramref name="ip"/> (IPv4) and TCP <paramref name="port"/>, redirecting into the
    /// XSKMAP <paramref name="xskMapFd"/>; <paramref name="dedicated"/> adds ARP and ICMP echo for the address.
    /// </summary>
    public static bpf_insn[] Build(IPAddress ip, ushort port, int xskMapFd, bool dedicated)
    {
        if (ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork) throw new ArgumentException("XDP steering needs an IPv4 address", nameof(ip));
        Span<byte> ipBytes = stackalloc byte[4];
        ip.TryWriteBytes(ipBytes, out _);
        int ipLe = BinaryPrimitives.ReadInt32LittleEndian(ipBytes);
        int portLe = BinaryPrimitives.ReverseEndianness(port);

        var a = new BpfAssembler();
        EmitEthernet(a, dedicated);
        EmitIpv4(a, ipLe, portLe, dedicated);
        if (dedicated) EmitArp(a, ipLe);
        EmitVerdicts(a, xskMapFd);
        return a.Build();
    }

    /// <summary>Context, packet bounds, the Ethernet header and the EtherType dispatch.</summary>
    private static void EmitEthernet(BpfAssembler a, bool dedicated)
    {
        // r6 = ctx (struct xdp_md*); r2 = data, r3 = data_end (32-bit loads the verifier rewrites to pointers).
        a.Mov64Reg(R6, R1);
        a.Load(BPF_W, R2, R6, 0);
        a.Load(BPF_W, R3, R6, 4);

        // Ethernet header: 14 bytes must be present; r5 = EtherType.
        a.Mov64Reg(R4, R2);
        a.Add64Imm(R4, EthLen);
        a.JumpReg(BPF_JGT, R4, R3, "pass");
        a.Load(BPF_H, R5, R2, EthTypeOff);
        a.JumpImm(BPF_JEQ, R5, EtherTypeIpv4Le, "ipv4");
        if (dedicated) a.JumpImm(BPF_JEQ, R5, EtherTypeArpLe, "arp");
        a.Goto("pass");
    }

    /// <summary>IPv4 to our address: TCP to our port (and ICMP echo requests in dedicated mode) go to "redirect".</summary>
    private static void EmitIpv4(BpfAssembler a, int ipLe, int portLe, bool dedicated)
    {
        // IPv4: the fixed 20-byte header must be present; destination must be ours; not a later fragment.
        a.Label("ipv4");
        a.Mov64Reg(R4, R2);
        a.Add64Imm(R4, EthLen + Ipv4MinLen);
        a.JumpReg(BPF_JGT, R4, R3, "pass");
        a.Load(BPF_W, R5, R2, Ipv4DstOff);
        a.Jump32Imm(BPF_JNE, R5, ipLe, "pass");
        a.Load(BPF_H, R5, R2, Ipv4FragOff);
        a.And64Imm(R5, FragOffsetMaskLe);
        a.JumpImm(BPF_JNE, R5, 0, "pass");

        // r5 = IHL * 4 (bounded 0..60 for the verifier), at least 20; r7 = protocol.
        a.Load(BPF_B, R5, R2, Ipv4VerIhlOff);
        a.And64Imm(R5, 0x0f);
        a.Lsh64Imm(R5, 2);
        a.JumpImm(BPF_JLT, R5, Ipv4MinLen, "pass");
        a.Load(BPF_B, R7, R2, Ipv4ProtoOff);

        // r4 = data + IHL*4, so the L4 header starts at r4 + 14; its first 4 bytes must be present.
        a.Mov64Reg(R4, R2);
        a.Add64Reg(R4, R5);
        a.Mov64Reg(R8, R4);
        a.Add64Imm(R8, EthLen + 4);
        a.JumpReg(BPF_JGT, R8, R3, "pass");

        // TCP: destination port (L4 bytes 2..3) must be ours.
        a.JumpImm(BPF_JNE, R7, IpProtoTcp, dedicated ? "not_tcp" : "pass");
        a.Load(BPF_H, R5, R4, EthLen + 2);
        a.JumpImm(BPF_JNE, R5, portLe, "pass");
        a.Goto("redirect");

        if (!dedicated) return;
        // ICMP: only echo requests (type, L4 byte 0) to our address.
        a.Label("not_tcp");
        a.JumpImm(BPF_JNE, R7, IpProtoIcmp, "pass");
        a.Load(BPF_B, R5, R4, EthLen);
        a.JumpImm(BPF_JNE, R5, IcmpEchoRequest, "pass");
        a.Goto("redirect");
    }

    /// <summary>Dedicated mode: ARP (Ethernet/IPv4 sizes) whose target protocol address is ours falls through to "redirect".</summary>
    private static void EmitArp(BpfAssembler a, int ipLe)
    {
        // The 28-byte ARP body must be present, with hlen 6 and plen 4; target address ours.
        a.Label("arp");
        a.Mov64Reg(R4, R2);
        a.Add64Imm(R4, EthLen + ArpLen);
        a.JumpReg(BPF_JGT, R4, R3, "pass");
        a.Load(BPF_H, R5, R2, ArpHlenPlenOff);
        a.JumpImm(BPF_JNE, R5, ArpHlen6Plen4Le, "pass");
        a.Load(BPF_W, R5, R2, ArpTpaOff);
        a.Jump32Imm(BPF_JNE, R5, ipLe, "pass");
    }

    /// <summary>The two exits: "redirect" into the XSKMAP, "pass" to the kernel.</summary>
    private static void EmitVerdicts(BpfAssembler a, int xskMapFd)
    {
        // return bpf_redirect_map(&xskmap, ctx->rx_queue_index, XDP_PASS): the low flag bits are the
        // action when the slot is empty, so a queue without a socket still reaches the kernel.
        a.Label("redirect");
        a.Load(BPF_W, R2, R6, 16);
        a.LoadMapFd(R1, xskMapFd);
        a.Mov64Imm(R3, XdpConstants.XDP_PASS);
        a.Call(BPF_FUNC_redirect_map);
        a.Exit();

        // return XDP_PASS.
        a.Label("pass");
        a.Mov64Imm(R0, XdpConstants.XDP_PASS);
        a.Exit();
    }
}
