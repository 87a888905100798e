using System.Net;
using Arrakis.IoBypass.Linux.Interop.Bpf;
using Arrakis.IoBypass.Linux.Interop.Xdp;
using Arrakis.IoBypass.Linux.Interop;
using Arrakis.IoBypass.Linux.Tests.Netns;
using Arrakis.IoBypass.Linux.Xdp;

namespace Arrakis.IoBypass.Linux.Tests.Xdp;

/// <summary>The hand-assembled steering program: its shape, and the kernel verifier accepting it for real.</summary>
public sealed class XdpSteeringProgramTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Build_ResolvesEveryJumpForwardInsideTheProgram(bool dedicated)
    {
        bpf_insn[] code = XdpSteeringProgram.Build(IPAddress.Parse("198.18.7.1"), 6379, 42, dedicated);
        for (int i = 0; i < code.Length; i++)
        {
            int cls = code[i].code & 0x07;
            int op = code[i].code & 0xf0;
            bool jump = (cls == BpfConstants.BPF_JMP || cls == BpfConstants.BPF_JMP32) && op != BpfConstants.BPF_CALL && op != BpfConstants.BPF_EXIT;
            if (!jump) continue;
            int target = i + 1 + code[i].off;
            Assert.InRange(target, i + 1, code.Length - 1);
        }
        Assert.Equal(BpfConstants.BPF_JMP | BpfConstants.BPF_EXIT, code[^1].code);
    }

    [Fact]
    public void Build_PatchesAddressPortAndMapFd()
    {
        bpf_insn[] code = XdpSteeringProgram.Build(IPAddress.Parse("198.18.7.200"), 6379, 42, dedicated: false);
        // 198.18.7.200 read little-endian from the wire: 0xc80712c6 (the high bit set: compared as 32 bits).
        Assert.Contains(code, i => i.code == (BpfConstants.BPF_JMP32 | BpfConstants.BPF_JNE | BpfConstants.BPF_K) && i.imm == unchecked((int)0xc80712c6));
        // 6379 = 0x18eb, on the wire eb 18 -> 0xeb18 as a little-endian load.
        Assert.Contains(code, i => i.code == (BpfConstants.BPF_JMP | BpfConstants.BPF_JNE | BpfConstants.BPF_K) && i.imm == 0xeb18);
        Assert.Contains(code, i => i.code == (BpfConstants.BPF_LD | BpfConstants.BPF_DW) && i.src_reg == BpfConstants.BPF_PSEUDO_MAP_FD && i.imm == 42);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_VerifierAcceptsTheProgram(bool dedicated)
    {
        RootRequirement.Require("loading an XDP program");
        int map = BpfSyscalls.CreateXskMap(4, "test_xsks");
        Assert.True(map >= 0, $"BPF_MAP_CREATE: {ErrnoText.Format(map)}");
        try
        {
            bpf_insn[] code = XdpSteeringProgram.Build(IPAddress.Parse("198.18.7.200"), 6379, map, dedicated);
            int prog = BpfSyscalls.LoadXdpProgram(code, "test_steer", out string log);
            Assert.True(prog >= 0, $"BPF_PROG_LOAD: {ErrnoText.Format(prog)}; verifier: {log}");
            XskNativeMethods.Close(prog);
        }
        finally
        {
            XskNativeMethods.Close(map);
        }
    }

    [SkippableFact]
    public void Load_ReportsTheVerifierLogWhenRefused()
    {
        RootRequirement.Require("loading an XDP program");
        // r0 = *(u32*)(r2 + 0) with r2 uninitialised: the verifier must refuse and say why.
        bpf_insn[] code = { new(0x61, 0, 2, 0, 0), new(0x95, 0, 0, 0, 0) };
        int prog = BpfSyscalls.LoadXdpProgram(code, "test_bad", out string log);
        if (prog >= 0) XskNativeMethods.Close(prog);
        // The verifier answers EACCES for an unsafe access (EINVAL for malformed programs).
        Assert.True(prog == -13 || prog == -XdpConstants.EINVAL, $"expected a refusal, got {prog}");
        Assert.Contains("R2 !read_ok", log);
    }
}
