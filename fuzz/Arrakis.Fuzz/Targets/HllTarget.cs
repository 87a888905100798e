using Arrakis.Fuzz.Oracles;

namespace Arrakis.Fuzz.Targets;

/// <summary>
/// HyperLogLog strings through the real commands: input = an HLL string (the "HYLL" magic is
/// prepended when missing), stored with SET, then PFCOUNT (cached and recomputed), PFCOUNT of two
/// keys, PFMERGE, PFADD (a few elements, then 64 under a small hll-sparse-max-bytes: grow and promote).
/// Checks Redis's answers:
/// INVALIDOBJ exactly when <see cref="HllShape"/> says the registers do not decode, and that a
/// well-formed HLL stays well-formed after PFADD (unless Redis itself breaks it: see
/// <see cref="HllShape.EndsInCutXZero"/>) and PFMERGE.
/// </summary>
internal static class HllTarget
{
    private const string InvalidObj = "-INVALIDOBJ Corrupted HLL object detected\r\n";

    private const int MaxLength = 16_000; // a dense HLL is 12304 bytes; the request must fit the harness

    public static void Run(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxLength) data = data[..MaxLength];
        var value = data.StartsWith("HYLL"u8) ? data.ToArray() : [.. "HYLL"u8, .. data];
        bool header = HllShape.HasHeader(value), decodes = HllShape.Decodes(value);
        bool staysWellFormed = decodes && !HllShape.EndsInCutXZero(value);
        var stale = value.ToArray();
        if (stale.Length >= 16) stale[15] |= 0x80;
        Commands.Reset();
        Commands.Run(B("SET"), B("h"), value);
        Commands.Run(B("SET"), B("stale"), stale);

        string single = Commands.Run(B("PFCOUNT"), B("stale"));
        if (header) Expect(single, decodes, "PFCOUNT of one key");
        string both = Commands.Run(B("PFCOUNT"), B("h"), B("stale"));
        if (header) Expect(both, decodes, "PFCOUNT of two keys");
        string merge = Commands.Run(B("PFMERGE"), B("d"), B("h"), B("stale"));
        if (header) Expect(merge, decodes, "PFMERGE");
        if (merge == "+OK\r\n") RequireWellFormed("d", "PFMERGE");

        string add = Commands.Run(B("PFADD"), B("h"), B("a"), B("b"), B("c"));
        if (decodes && add.StartsWith('-')) throw new FuzzFailure($"PFADD on a well-formed HLL replied {add}");
        if (staysWellFormed) RequireWellFormed("h", "PFADD");
        // A small hll-sparse-max-bytes makes these 64 elements promote a sparse HLL to dense.
        Commands.Run(B("CONFIG"), B("SET"), B("hll-sparse-max-bytes"), B("150"));
        var many = new byte[66][];
        many[0] = B("PFADD");
        many[1] = B("stale");
        for (int i = 2; i < many.Length; i++) many[i] = B("element:" + i);
        Commands.Run(many);
        Commands.Run(B("CONFIG"), B("SET"), B("hll-sparse-max-bytes"), B("3000"));
        if (staysWellFormed) RequireWellFormed("stale", "PFADD of many");
        Commands.Run(B("PFCOUNT"), B("h"));
        Commands.Run(B("PFCOUNT"), B("stale"));
        Commands.Run(B("PFMERGE"), B("h"), B("stale"), B("d"));
    }

    private static void Expect(string reply, bool decodes, string what)
    {
        if (decodes ? reply.StartsWith('-') : reply != InvalidObj)
            throw new FuzzFailure($"{what}: replied {reply.Trim()} for {(decodes ? "a well-formed" : "a corrupt")} HLL");
    }

    private static void RequireWellFormed(string key, string after)
    {
        var bytes = Commands.Bulk(Commands.Run(B("GET"), B(key)));
        if (bytes is null || !HllShape.Decodes(bytes)) throw new FuzzFailure($"{after} left a malformed HLL in '{key}'");
    }

    private static byte[] B(string s) => Commands.Bytes(s);
}
