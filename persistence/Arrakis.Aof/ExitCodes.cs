namespace Arrakis.Aof;

/// <summary>Exit codes besides the <see cref="Verdict"/> values (0 valid, 1 torn tail, 2 damaged).</summary>
internal static class ExitCodes
{
    /// <summary>Bad arguments, or an output that is not empty.</summary>
    public const int Usage = 3;

    /// <summary>A bug: an exception escaped (reported, never a crash dump).</summary>
    public const int Internal = 70;
}
