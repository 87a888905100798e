namespace Arrakis.Fuzz.Targets;

/// <summary>
/// BITFIELD and BITFIELD_RO with arbitrary subcommand lists: input = the key's initial value (may
/// be empty: no key), a NUL byte, then the arguments separated by spaces (e.g. "GET u8 #1 OVERFLOW
/// SAT INCRBY i5 100 1"). Runs both commands and reads the value back; anything but an exception
/// is Redis's business (replies are compared with redis-server in the unit tests).
/// </summary>
internal static class BitFieldTarget
{
    private const int MaxLength = 2000; // even 2000 empty arguments fit the harness's 16 KB request

    public static void Run(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxLength) data = data[..MaxLength];
        int nul = data.IndexOf((byte)0);
        var initial = nul >= 0 ? data[..nul] : ReadOnlySpan<byte>.Empty;
        var rest = nul >= 0 ? data[(nul + 1)..] : data;
        Commands.Reset();
        if (!initial.IsEmpty) Commands.Run(Commands.Bytes("SET"), Commands.Bytes("k"), initial.ToArray());
        var args = Arguments.Split(rest, (byte)' ');
        foreach (string command in (ReadOnlySpan<string>)["BITFIELD", "BITFIELD_RO"])
        {
            var argv = new List<byte[]> { Commands.Bytes(command), Commands.Bytes("k") };
            argv.AddRange(args);
            string reply = Commands.Run([.. argv]);
            if (!reply.StartsWith('*') && !reply.StartsWith('-')) throw new FuzzFailure($"{command} replied {reply}");
        }
        Commands.Run(Commands.Bytes("GET"), Commands.Bytes("k"));
    }
}
