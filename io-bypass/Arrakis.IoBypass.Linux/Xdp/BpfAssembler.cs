using Arrakis.IoBypass.Linux.Interop.Bpf;
using Arrakis.IoBypass.Linux.Interop;
using static Arrakis.IoBypass.Linux.Interop.Bpf.BpfConstants;

namespace Arrakis.IoBypass.Linux.Xdp;

/// <summary>
/// A tiny eBPF assembler: appends instructions, resolves forward jumps to named labels (offsets count
/// instructions after the jump; a 64-bit immediate load is two). Startup only; throws for a bug in the
/// program text (an unknown or duplicate label).
/// </summary>
internal sealed class BpfAssembler
{
    private readonly List<bpf_insn> _code = new();
    private readonly Dictionary<string, int> _labels = new();
    private readonly List<(int At, string Label)> _fixups = new();

    /// <summary>Registers r0..r10 (r10 is the read-only frame pointer).</summary>
    public const int R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R5 = 5, R6 = 6, R7 = 7, R8 = 8;

    public int Count => _code.Count;

    public void Label(string name)
    {
        if (!_labels.TryAdd(name, _code.Count)) throw new InvalidOperationException($"BPF label '{name}' defined twice");
    }

    /// <summary>dst = src (64-bit).</summary>
    public void Mov64Reg(int dst, int src) => Emit(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0);

    /// <summary>dst = imm (64-bit, sign-extended).</summary>
    public void Mov64Imm(int dst, int imm) => Emit(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);

    public void Add64Imm(int dst, int imm) => Emit(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm);

    public void Add64Reg(int dst, int src) => Emit(BPF_ALU64 | BPF_ADD | BPF_X, dst, src, 0, 0);

    public void And64Imm(int dst, int imm) => Emit(BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, imm);

    public void Lsh64Imm(int dst, int imm) => Emit(BPF_ALU64 | BPF_LSH | BPF_K, dst, 0, 0, imm);

    /// <summary>dst = *(size*)(src + off), size one of BPF_B/H/W/DW (zero-extended).</summary>
    public void Load(byte size, int dst, int src, short off) => Emit((byte)(BPF_LDX | BPF_MEM | size), dst, src, off, 0);

    /// <summary>dst = the map whose fd is <paramref name="mapFd"/> (BPF_LD_IMM64 with BPF_PSEUDO_MAP_FD: two slots).</summary>
    public void LoadMapFd(int dst, int mapFd)
    {
        _code.Add(new bpf_insn(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, mapFd));
        _code.Add(new bpf_insn(0, 0, 0, 0, 0));
    }

    /// <summary>if (dst op imm) goto label; 64-bit compare (imm sign-extended).</summary>
    public void JumpImm(byte op, int dst, int imm, string label) => Jump(BPF_JMP | op | BPF_K, dst, 0, imm, label);

    /// <summary>if ((u32)dst op (u32)imm) goto label; 32-bit compare, no sign extension (addresses).</summary>
    public void Jump32Imm(byte op, int dst, int imm, string label) => Jump(BPF_JMP32 | op | BPF_K, dst, 0, imm, label);

    /// <summary>if (dst op src) goto label; 64-bit compare.</summary>
    public void JumpReg(byte op, int dst, int src, string label) => Jump(BPF_JMP | op | BPF_X, dst, src, 0, label);

    public void Goto(string label) => Jump(BPF_JMP | BPF_JA, 0, 0, 0, label);

    public void Call(int helper) => Emit(BPF_JMP | BPF_CALL, 0, 0, 0, helper);

    public void Exit() => Emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);

    /// <summary>The program with every jump resolved.</summary>
    public bpf_insn[] Build()
    {
        bpf_insn[] code = _code.ToArray();
        foreach ((int at, string label) in _fixups)
        {
            if (!_labels.TryGetValue(label, out int target)) throw new InvalidOperationException($"BPF label '{label}' not defined");
            int delta = target - (at + 1);
            if (delta < 0 || delta > short.MaxValue) throw new InvalidOperationException($"BPF jump to '{label}' must go forward (loops are refused)");
            code[at].off = (short)delta;
        }
        return code;
    }

    private void Jump(int code, int dst, int src, int imm, string label)
    {
        _fixups.Add((_code.Count, label));
        Emit(code, dst, src, 0, imm);
    }

    private void Emit(int code, int dst, int src, short off, int imm) => _code.Add(new bpf_insn((byte)code, dst, src, off, imm));
}
